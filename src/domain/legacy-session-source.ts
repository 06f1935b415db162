import type { SessionData } from './session.js'

/**
 * Where sessions of a previous system live (express-session + connect-dynamodb),
 * read once so a visitor arriving with an old cookie keeps their data. Ids here
 * are the old system's session ids, already verified from its signed cookie.
 */
export interface LegacySessionSource {
  /** The old session's data, or null when absent or expired at `now` (epoch seconds). */
  load(id: string, now: number): Promise<SessionData | null>
  /** Removes the old session once it has been moved. */
  delete(id: string): Promise<void>
}
