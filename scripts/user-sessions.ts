// The operator CLI's per-user commands: list --user <id> and revoke-user <id>. They go
// through the repository's user index (one GetItem, one BatchGetItem; deletes), never a Scan.
import type { SessionRepository, UserSessionEntry } from '../src/domain/session-repository.js'
import { SESSION_DEFAULTS } from '../src/http/session-options.js'
import { MAX_USER_ID_LENGTH } from '../src/domain/user-sessions.js'

/** A user id as the library accepts it, or the usage error to print. */
export function userIdProblem(userId: string | undefined, what: string): string | undefined {
  if (userId === undefined || userId === '') return `${what} needs a user id`
  if (userId.length > MAX_USER_ID_LENGTH) return `${what}: a user id is at most ${MAX_USER_ID_LENGTH} characters`
  return undefined
}

/**
 * SESSION_TTL_SECONDS as the server reads it: the last write to a session was at its idle
 * deadline minus the TTL. Returns the usage error to print for a bad value.
 */
export function ttlSecondsFrom(env: Record<string, string | undefined>): number | string {
  const raw = env.SESSION_TTL_SECONDS
  if (raw === undefined || raw === '') return SESSION_DEFAULTS.ttlSeconds
  if (!/^[0-9]{1,8}$/.test(raw) || Number(raw) < 1 || Number(raw) > 31_536_000) return 'SESSION_TTL_SECONDS must be between 1 and 31536000'
  return Number(raw)
}

const isoSeconds = (epoch: number) => new Date(epoch * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')

const HEADER = ['key', 'createdAt', 'lastSeen', 'expires', 'device']
const WIDTHS = [43, 20, 20, 20]
const row = (columns: readonly string[]) => columns.map((c, i) => (i === columns.length - 1 ? c : c.padEnd(WIDTHS[i]!))).join('  ')

const toColumns = (s: UserSessionEntry, ttlSeconds: number) => [
  s.key,
  isoSeconds(s.createdAt),
  isoSeconds(Math.max(s.createdAt, s.expires - ttlSeconds)),
  isoSeconds(s.expires),
  s.device,
]

/** The lines of `list --user`: a header, then one per live session, newest first. */
export async function listUser(repository: SessionRepository, userId: string, ttlSeconds: number, now: number): Promise<string[]> {
  const sessions = await repository.listUserSessions(userId, now)
  sessions.sort((a, b) => b.createdAt - a.createdAt)
  return [row(HEADER), ...sessions.map((s) => row(toColumns(s, ttlSeconds)))]
}

/** Ends every session of `userId`; `progress` hears before and after. Returns how many were ended. */
export async function revokeUser(
  repository: SessionRepository,
  userId: string,
  now: number,
  progress: (line: string) => void,
): Promise<number> {
  progress(`revoking the sessions of user ${JSON.stringify(userId)}…`)
  const ended = await repository.revokeUserSessions(userId, 'all', now)
  progress(`revoked ${ended} session${ended === 1 ? '' : 's'} of user ${JSON.stringify(userId)}`)
  return ended
}
