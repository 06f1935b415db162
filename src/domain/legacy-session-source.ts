import type { SessionData } from './session.js'

/**
 * Where sessions of a previous system live (express-session + connect-dynamodb),
 * read once so a visitor arriving with an old cookie keeps their data. Ids here
 * are the old system's session ids, already verified from its signed cookie.
 */
export interface LegacySessionSource {
  /**
   * The old session's data; null when absent or expired at `now` (epoch seconds);
   * 'claimed' while a claim by another request is within its window (that request is
   * moving it into a session of ours right now).
   */
  load(id: string, now: number): Promise<SessionData | null | 'claimed'>
  /**
   * Takes the old session for one new session of ours, atomically: true for the one
   * caller that got it. Its data is set aside until `until` (epoch seconds), so a
   * failed migration can give it back, and then it is gone.
   */
  claim(id: string, now: number, until: number): Promise<boolean>
  /** Gives a claimed session back exactly as it was (data and expiry), when the migration that claimed it failed. */
  release(id: string): Promise<void>
  /**
   * The migration succeeded: the old session's data is deleted. What stays until the
   * claim's window ends is a marker without data, so other first requests with the old
   * cookie still see 'claimed' (and, retried, join the new session) instead of nothing.
   */
  complete(id: string, now: number): Promise<void>
  /** Removes the old session (logout). */
  delete(id: string): Promise<void>
}
