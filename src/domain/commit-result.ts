import type { RequestState } from './request-state.js'
import { endsAt } from './session.js'

/** What the client's session credential should become after the request. */
export type IdentityChange =
  | { readonly kind: 'unchanged' }
  | { readonly kind: 'issued'; readonly id: string; readonly maxAgeSeconds: number }
  | { readonly kind: 'ended' }

/** What happened to the session during the request, for logs. */
export type SessionOutcome = 'untouched' | 'new' | 'loaded' | 'written' | 'destroyed' | 'failed'

/** What a commit reports. */
export interface CommitResult {
  readonly identity: IdentityChange
  readonly outcome: SessionOutcome
}

/**
 * How the request ends for the client, derived from the final state: a credential
 * when the id changed (login, renewal, a followed renewal) or the stored deadline
 * moved; an ended one after a logout; otherwise nothing.
 */
export function commitResult(final: {
  readonly state: RequestState
  readonly ended: boolean
  readonly incomingId: string | null
  readonly expiryMoved: boolean
  readonly wasRead: boolean
  readonly now: number
}): CommitResult {
  const { state, incomingId, expiryMoved, now } = final
  const outcome: SessionOutcome = expiryMoved ? (incomingId === null ? 'new' : 'written') : final.wasRead ? 'loaded' : 'untouched'
  if (state.kind === 'live' && (state.ref.id !== incomingId || expiryMoved)) {
    const maxAgeSeconds = Math.max(0, endsAt(state.stored) - now)
    return { identity: { kind: 'issued', id: state.ref.id, maxAgeSeconds }, outcome }
  }
  if (final.ended && state.kind !== 'live') {
    return { identity: incomingId !== null ? { kind: 'ended' } : { kind: 'unchanged' }, outcome: 'destroyed' }
  }
  return { identity: { kind: 'unchanged' }, outcome }
}
