import type { SessionData, SessionUser, StoredSession } from './session.js'

/**
 * What one write changes: top-level keys to set or remove, and the new idle
 * deadline; and what it depends on.
 *
 * Conditions are per key. A key in `expect` must still hold exactly the value given
 * (compared as JSON; `undefined` means the key must be absent), else the whole write
 * fails with SessionConflictError and nothing of it is applied. Keys the request did
 * not read are not in `expect`: writes to them are blind, and the last writer wins
 * for that key. Writes to different keys never conflict.
 */
export interface SessionChange {
  readonly set: Readonly<SessionData>
  readonly remove: readonly string[]
  readonly expires: number
  /** Read-modify-write preconditions: key → the value this request read (undefined: absent). */
  readonly expect?: ReadonlyMap<string, unknown>
  /** When given, the write only happens if the stored version still equals it (whole-item writes). */
  readonly expectedVersion?: number
}

export interface Increment {
  /** The field's value after this increment. */
  readonly value: number
  /** Its value before; undefined when the increment created the field. */
  readonly previous: number | undefined
  readonly version: number
  /** The session's absolute deadline, so the caller can cap the cookie without a read. */
  readonly maxExpires: number
  /** When the session's id was issued, so the caller can tell a renewal is due without a read. */
  readonly createdAt: number
}

/** What a retired id leaves for its grace window: nothing usable, and perhaps a sealed pointer to its successor. */
export interface Retirement {
  /** Epoch seconds until which requests with the old id are told it was retired (then it is simply absent). */
  readonly until: number
  /** The successor's id, sealed with the old id (see forward-pointer.ts); absent after a login. */
  readonly forward?: string
}

/** Moving a session to a new key in one atomic step. */
export interface Replacement {
  readonly oldKey: string
  /** The old session's version as read; the move only happens if nobody wrote since. */
  readonly expectedVersion: number
  /** The session under its new key (the key must be unused). */
  readonly session: StoredSession
  readonly retirement: Retirement
  /** The user the old session was bound to, so the user index follows the move. */
  readonly oldUser?: SessionUser | undefined
}

/** One of a user's sessions as the user index holds it. */
export interface UserSessionEntry {
  readonly key: string
  readonly createdAt: number
  /** The session's idle deadline now; the last write that moved it was at expires - TTL. */
  readonly expires: number
  readonly device: string
}

/** What the store charged for one request's calls, in its own units (DynamoDB: read and write capacity units). */
export interface StoreCost {
  readUnits: number
  writeUnits: number
}

/**
 * The port: where sessions live. Keys are storage keys (hashes of session ids).
 * `now` is epoch seconds; a session whose deadlines have passed counts as absent
 * for every operation, even while it is still physically stored.
 *
 * Every write is atomic (all of its change or none) and bumps the version by one.
 * A key retired by `replace` within its grace window makes load, update and
 * increment throw SessionRetiredError (with the sealed forward pointer, if any).
 *
 * Retries. An adapter may send a call again only when doing so cannot apply it twice:
 * - load and delete are idempotent, and replace carries a request token (DynamoDB:
 *   ClientRequestToken), so they are retried after any transient failure;
 * - create, update and increment are retried only when the first attempt provably was
 *   not applied (throttled, connection refused). When their outcome is unknown (a lost
 *   reply, a timeout, a 5xx after sending) they fail with SessionStoreUnavailableError
 *   instead: the write may or may not have been applied, and is never applied twice.
 * Values are already checked by the domain (see session-values.ts), so every
 * adapter stores the same things.
 */
export interface SessionRepository {
  /** The live session under `key`, or null. Strongly consistent. */
  load(key: string, now: number): Promise<StoredSession | null>

  /** Stores a new session. Throws SessionConflictError when the key is already taken. */
  create(session: StoredSession): Promise<void>

  /**
   * Applies a change to a live session and returns its new version, or null when
   * there is no live session under `key`. Throws SessionConflictError when one of
   * the change's conditions no longer holds. Any number of keys is accepted; an
   * adapter whose single-call limits a change exceeds must still apply it
   * atomically (DynamoDB: a read and a version-guarded whole-item write).
   */
  update(key: string, change: SessionChange, now: number): Promise<number | null>

  /**
   * Atomically adds `by` to the number under `field` (absent counts as 0) and
   * moves the idle deadline to `expires`. Returns the new and the previous value,
   * or null when there is no live session under `key`. Throws SessionUsageError
   * when the field holds something other than a number.
   */
  increment(key: string, field: string, by: number, expires: number, now: number): Promise<Increment | null>

  /**
   * Atomically stores `session` under its new key and retires the old key, leaving
   * only the retirement marker there: 'replaced'. Nothing is written when the old
   * session changed since `expectedVersion` ('changed') or is no longer live ('gone').
   */
  replace(replacement: Replacement, now: number): Promise<'replaced' | 'changed' | 'gone'>

  /**
   * The live sessions bound to `userId`, read strongly (a login that has answered is
   * listed). Sessions bound to a user are created and moved with their user index in
   * the same atomic write (create, replace), so the index is never behind.
   */
  listUserSessions(userId: string, now: number): Promise<UserSessionEntry[]>

  /**
   * Ends sessions of `userId`: the given keys (only those that are the user's), or
   * 'all'. Every session whose login answered before this call began is ended when it
   * returns. Returns how many were ended.
   */
  revokeUserSessions(userId: string, keys: readonly string[] | 'all', now: number): Promise<number>

  /** Removes the session; removing an absent one is not an error. */
  delete(key: string): Promise<void>

  /**
   * A view of this repository (same store, same connections) that adds what each of
   * its calls cost to `cost`. Optional: a store without a cost model leaves it out.
   */
  metered?(cost: StoreCost): SessionRepository
}
