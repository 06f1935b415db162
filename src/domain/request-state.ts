import { SessionRetiredError } from './errors.js'
import { openForward } from './forward-pointer.js'
import type { SessionData, SessionUser, StoredSession } from './session.js'
import { generateSessionId, storageKeyFor } from './session-id.js'
import type { Increment } from './session-repository.js'

/** A session id and the storage key it hashes to. */
export interface SessionRef {
  readonly id: string
  readonly key: string
}

/** A session this request knows to be stored. */
export interface LiveState {
  readonly kind: 'live'
  readonly ref: SessionRef
  /** The stored session as last read or written by this request (data as stored, never a schema's output). */
  readonly stored: StoredSession
  /** What the handler sees: `stored.data`, or the schema's output for it. */
  readonly view: Readonly<SessionData>
  /** False when the request only knows it exists (an increment landed) and has not read its data. */
  readonly read: boolean
}

/**
 * Which session a request works on, as one value:
 * - `anonymous`: none; a save with changes creates one under a fresh id;
 * - `carried`: a verified cookie's id, not looked up yet;
 * - `live`: stored, and known to this request;
 * - `moving`: login() or regenerate() was called; the session moves to `to` at the save
 *   (`from` null when nothing was stored), bound to `binding` after a login.
 * Ending (destroy) is not a state of its own: the ids to end are listed apart, and the
 * request goes on as anonymous.
 */
export type RequestState =
  | { readonly kind: 'anonymous' }
  | { readonly kind: 'carried'; readonly ref: SessionRef }
  | LiveState
  | { readonly kind: 'moving'; readonly from: LiveState | null; readonly to: SessionRef; readonly binding: SessionUser | null }

export const ANONYMOUS: RequestState = { kind: 'anonymous' }

export async function refFor(id: string, key?: string): Promise<SessionRef> {
  return { id, key: key ?? (await storageKeyFor(id)) }
}

export const freshRef = (): Promise<SessionRef> => refFor(generateSessionId())

export const liveState = (ref: SessionRef, stored: StoredSession, view: Readonly<SessionData> = stored.data, read = true): LiveState => ({
  kind: 'live',
  ref,
  stored,
  view,
  read,
})

/** The state after this request's increment on `ref` landed: the new value and deadlines known, the rest as before. */
export function afterIncrement(state: RequestState, ref: SessionRef, field: string, result: Increment, expires: number): LiveState {
  if (state.kind === 'live' && state.ref.key === ref.key && state.read) {
    const stored = { ...state.stored, data: { ...state.stored.data, [field]: result.value }, expires, version: Math.max(state.stored.version, result.version) }
    return { ...state, stored, view: { ...state.view, [field]: result.value } }
  }
  // Known to exist now, though not read: the deadlines, for the cookie.
  const stored: StoredSession = { key: ref.key, data: {}, createdAt: result.createdAt, expires, maxExpires: result.maxExpires, version: result.version }
  return liveState(ref, stored, {}, false)
}

/** Most successive renewals one request follows from the id it holds. */
const MAX_HOPS = 3

/**
 * Where an id retired moments ago leads: after a renewal, its successor (opened from
 * the sealed pointer with the id itself). Rethrows `error` when it is not a
 * retirement, when the retirement has no successor (a login: answered 409), or past
 * MAX_HOPS.
 */
export async function successorOf(error: unknown, ref: SessionRef, hop: number): Promise<SessionRef> {
  if (!(error instanceof SessionRetiredError) || !error.forward || hop >= MAX_HOPS) throw error
  const successor = await openForward(error.forward, ref.id)
  if (successor === null) throw error
  return refFor(successor)
}

/** Runs `call` on `ref`, and on the successor when `ref` was renewed meanwhile (a bounded loop). */
export async function onCurrentId<T>(ref: SessionRef, call: (ref: SessionRef) => Promise<T>): Promise<{ ref: SessionRef; value: T }> {
  for (let hop = 0; ; hop++) {
    try {
      return { ref, value: await call(ref) }
    } catch (error) {
      ref = await successorOf(error, ref, hop)
    }
  }
}
