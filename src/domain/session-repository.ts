import type { SessionData, StoredSession } from './session.js'

/** What one write changes: top-level keys to set or remove, and the new idle deadline. */
export interface SessionChange {
  readonly set: Readonly<SessionData>
  readonly remove: readonly string[]
  readonly expires: number
  /** When given, the write only happens if the stored version still equals it. */
  readonly expectedVersion?: number
}

export interface Increment {
  readonly value: number
  readonly version: number
  /** The session's absolute deadline, so the caller can cap the cookie without a read. */
  readonly maxExpires: number
}

/**
 * The port: where sessions live. Keys are storage keys (hashes of session ids).
 * `now` is epoch seconds; a session whose deadlines have passed counts as absent
 * for every operation, even while it is still physically stored.
 *
 * Every write bumps the version by one.
 */
export interface SessionRepository {
  /** The live session under `key`, or null. */
  load(key: string, now: number): Promise<StoredSession | null>

  /** Stores a new session. Throws SessionConflictError when the key is already taken. */
  create(session: StoredSession): Promise<void>

  /**
   * Applies a change to a live session and returns its new version, or null when
   * there is no live session under `key`. Throws SessionConflictError when
   * `expectedVersion` is given and no longer matches.
   */
  update(key: string, change: SessionChange, now: number): Promise<number | null>

  /**
   * Atomically adds `by` to the number under `field` (absent counts as 0) and
   * moves the idle deadline to `expires`. Returns the new value, or null when
   * there is no live session under `key`.
   */
  increment(key: string, field: string, by: number, expires: number, now: number): Promise<Increment | null>

  /** Removes the session; removing an absent one is not an error. */
  delete(key: string): Promise<void>
}
