/** Session data: JSON values under top-level keys. */
export type SessionData = Record<string, unknown>

/**
 * A session as the store keeps it. Times are epoch seconds, because DynamoDB's
 * TTL reads epoch seconds.
 */
export interface StoredSession {
  /** Storage key: a hash of the session id, never the id itself. */
  readonly key: string
  readonly data: Readonly<SessionData>
  readonly createdAt: number
  /** Idle deadline; slides forward with activity. Also the table's TTL attribute. */
  readonly expires: number
  /** Absolute deadline: the session ends here however active it is. */
  readonly maxExpires: number
  /** Bumped by every write, so a writer can tell whether it saw the latest data. */
  readonly version: number
  /** The user the session is bound to (by login), with a short device summary. */
  readonly user?: SessionUser
}

/** A session's binding to a user, set at login. */
export interface SessionUser {
  /** The application's user id, 1 to 256 characters. */
  readonly id: string
  /** A short user-agent summary, at most 64 characters. */
  readonly device: string
  /**
   * Names the login this session descends from: the storage key the login created. A
   * renewal keeps it, so a device keeps one handle, and a revocation by handle finds
   * the renewed session. Absent on sessions stored before lineages existed (the key stands in).
   */
  readonly lineage?: string
}

/** The lineage of a bound session (see SessionUser.lineage). */
export const lineageOf = (s: Pick<StoredSession, 'key' | 'user'>): string => s.user?.lineage ?? s.key

export interface SessionLifetime {
  /** Idle timeout in seconds. */
  readonly ttlSeconds: number
  /** Absolute lifetime in seconds. */
  readonly maxAgeSeconds: number
}

export interface SessionPolicy extends SessionLifetime {
  /** Refresh the idle deadline on a read when less than this fraction of the TTL is left. */
  readonly refreshThreshold: number
  /** Largest session data, as JSON bytes. */
  readonly maxBytes: number
  /** Replace the id once it is this many seconds old (renewal); 0: never. */
  readonly renewSeconds: number
  /** How long a retired id keeps answering: forwarded after a renewal, refused after a login. */
  readonly renewGraceSeconds: number
}

export const toEpochSeconds = (ms: number): number => Math.floor(ms / 1000)

/** The liveness rule, the one place it is written: a session is live while both deadlines lie in the future. */
export const isLive = (s: Pick<StoredSession, 'expires' | 'maxExpires'>, now: number): boolean =>
  s.expires > now && s.maxExpires > now

/** The moment a session ends if nobody touches it again. */
export const endsAt = (s: Pick<StoredSession, 'expires' | 'maxExpires'>): number =>
  Math.min(s.expires, s.maxExpires)

export function newStoredSession(
  key: string,
  data: SessionData,
  now: number,
  lifetime: SessionLifetime,
): StoredSession {
  return {
    key,
    data,
    createdAt: now,
    expires: now + lifetime.ttlSeconds,
    maxExpires: now + lifetime.maxAgeSeconds,
    version: 1,
  }
}

/**
 * Whether a read should also push the idle deadline forward. Refreshing on every
 * read would turn each read into a write; we refresh only once less than
 * `threshold` (a fraction of the TTL) is left.
 */
export function needsRefresh(
  s: Pick<StoredSession, 'expires'>,
  now: number,
  ttlSeconds: number,
  threshold: number,
): boolean {
  return s.expires - now < ttlSeconds * threshold
}
