import type { StoredSession } from './session.js'
import type { Increment } from './session-repository.js'
import { generateSessionId, storageKeyFor } from './session-id.js'

/**
 * What the request knows about the session behind an id:
 * - `unread`: an id from a verified cookie, not looked up yet;
 * - `exists`: the store has it (an increment succeeded), but its data was not read;
 * - `read`: read from the store; `stored` is that snapshot, kept current with this request's own writes;
 * - `new`: a fresh id with nothing stored under it yet.
 */
export type IdentityState = 'unread' | 'exists' | 'read' | 'new'

export interface Identity {
  readonly id: string
  readonly key: string
  state: IdentityState
  /** The stored session as last read or written by this request; null unless `read` (or `exists` after a write). */
  stored: StoredSession | null
}

/** The identity of an id a cookie carried; `key` when the caller already holds storageKeyFor(id), which saves a digest. */
export async function incomingIdentity(id: string, key?: string): Promise<Identity> {
  return { id, key: key ?? (await storageKeyFor(id)), state: 'unread', stored: null }
}

export async function freshIdentity(): Promise<Identity> {
  const id = generateSessionId()
  return { id, key: await storageKeyFor(id), state: 'new', stored: null }
}

/** Whether the store may hold a session under this identity (so it must be looked up or written to, not created). */
export const mayBeStored = (identity: Identity): boolean => identity.state !== 'new'

/** The identity after this request's increment landed: the new value and deadlines known, the rest as before. */
export function recordIncrement(identity: Identity, field: string, result: Increment, expires: number): void {
  const stored = identity.stored
  if (stored) {
    const data = Object.fromEntries([...Object.entries(stored.data), [field, result.value]])
    identity.stored = { ...stored, data, expires, version: result.version }
    return
  }
  // Known to exist now, though not read: remember the deadlines for the cookie.
  const { maxExpires, version, createdAt } = result
  identity.stored = { key: identity.key, data: {}, createdAt, expires, maxExpires, version }
  identity.state = 'exists'
}
