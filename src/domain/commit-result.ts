import { endsAt } from './session.js'
import type { Identity } from './session-identity.js'

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
 * How the request ends for the client: a new or refreshed credential when the
 * session was issued or its deadline moved, an ended one after logout.
 */
export function commitResult(state: {
  readonly outcome: SessionOutcome
  readonly identity: Identity | null
  readonly incomingId: string | null
  readonly ended: boolean
  /** The credential must be (re)sent: a new id, or a moved deadline. */
  readonly announce: boolean
  readonly now: number
}): CommitResult {
  const { outcome, identity, incomingId, now } = state
  if (state.ended && identity === null) {
    return { identity: incomingId !== null ? { kind: 'ended' } : { kind: 'unchanged' }, outcome: 'destroyed' }
  }
  if (identity?.stored && state.announce) {
    const maxAgeSeconds = Math.max(0, endsAt(identity.stored) - now)
    return {
      identity: { kind: 'issued', id: identity.id, maxAgeSeconds },
      outcome: outcome === 'written' && incomingId === null ? 'new' : outcome,
    }
  }
  return { identity: { kind: 'unchanged' }, outcome }
}
