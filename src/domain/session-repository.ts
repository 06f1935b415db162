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

/**
 * What `increment` returns. Counters are integers (see session-values.ts): the field
 * and the result are safe integers, so every store computes the same value.
 */
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

/**
 * Moving a session to a new key in one atomic step:
 * - `renewal`: same data, same user; the old key points to the new one; in the user
 *   index the new key takes the old one's place, only while the old one is listed (a
 *   revocation that came first wins);
 * - `login`: the new session is bound to `session.user` (a new lineage); the old key
 *   is retired without a successor and leaves its user's index; the user's cap holds.
 */
export interface Replacement {
  readonly kind: 'renewal' | 'login'
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
  /** Stable across renewals: names the device's session for revocation (see SessionUser.lineage). */
  readonly lineage: string
}

/** Which of a user's sessions a revocation ends, by lineage: all, all but one, or the ones named. */
export type RevokeSelection = 'all' | { readonly except: string } | { readonly only: readonly string[] }

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
 * A key retired by `replace` within its grace window makes load, update, increment
 * and end throw SessionRetiredError (with the sealed forward pointer, if any).
 *
 * Identity changes follow the lifecycle in session-lifecycle.ts; each is one
 * conditional write, so two of them racing on one session, or on one user's
 * sessions, take effect in one order and the loser sees the winner's result.
 *
 * Retries. An adapter may send a call again only when doing so cannot apply it twice:
 * - load and end are idempotent, and replace and the user-index writes carry a request token (DynamoDB:
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

  /**
   * Stores a new session. Throws SessionConflictError when the key is already taken.
   * A session bound to a user (a login with nothing stored before) enters the user's
   * index in the same atomic write, ending the user's oldest sessions beyond the cap.
   */
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
   * Atomically adds `by` (a safe integer) to the integer under `field` (absent counts
   * as 0) and moves the idle deadline to `expires`. Returns the new and the previous
   * value, or null when there is no live session under `key`. Throws SessionUsageError,
   * changing nothing, when the field holds something other than a safe integer or the
   * result would leave the safe-integer range.
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
   * listed), and only live ones. Sessions bound to a user are created, moved and ended
   * with their user index in the same atomic write, so the index is never behind.
   */
  listUserSessions(userId: string, now: number): Promise<UserSessionEntry[]>

  /**
   * Ends sessions of `userId` chosen by lineage. Atomic against renewals: a session
   * renewed meanwhile is ended under its new key. Every session whose login answered
   * before this call began, and that the selection names, is ended when it returns.
   * Returns how many lineages were ended.
   */
  revokeUserSessions(userId: string, which: RevokeSelection, now: number): Promise<number>

  /**
   * Ends the session under `key` (logout): it is removed, and leaves its user's index.
   * True when a live session was ended; false when there was none. Throws
   * SessionRetiredError when the key was moved within its grace window, so the caller
   * can end the successor the sealed pointer names.
   */
  end(key: string, now: number): Promise<boolean>

  /**
   * A view of this repository (same store, same connections) that adds what each of
   * its calls cost to `cost`. Optional: a store without a cost model leaves it out.
   */
  metered?(cost: StoreCost): SessionRepository
}
