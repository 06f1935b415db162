import type { DataCheck } from '../domain/data-check.js'
import type { SessionTelemetry } from '../domain/telemetry-port.js'
import type { LegacySessionSource } from '../domain/legacy-session-source.js'
import type { SessionPolicy } from '../domain/session.js'
import type { SessionRepository } from '../domain/session-repository.js'
import type { StandardSchema } from '../domain/standard-schema.js'
import { cookieSettings, type CookieOptions, type CookieSettings, type SameSite } from './session-cookie.js'

// The middleware's options, their defaults and their rules, in one place. The demo
// server's config imports the defaults and rules from here.

/** The value each option takes when it is left out. */
export const SESSION_DEFAULTS = {
  cookieName: 'sid',
  sameSite: 'Lax' as SameSite,
  ttlSeconds: 86_400,
  maxAgeSeconds: 604_800,
  refreshThreshold: 0.5,
  maxBytes: 131_072,
  maxCookieHeaderLength: 16_384,
  renewSeconds: 3600,
  renewGraceSeconds: 30,
  legacyCookieName: 'connect.sid',
} as const

export { COOKIE_NAME_PATTERN } from './session-cookie.js'

/** Shortest secret accepted: 32 characters, so a signing key has at least 128 bits even if hex. */
export const MIN_SECRET_LENGTH = 32

/** Fewest different characters a secret must use: refuses `aaaa…` and `abab…`, whatever their length. */
export const MIN_DISTINCT_SECRET_CHARACTERS = 8

/** Why a list of secrets is unusable, or null when it is fine. The one place the secret rule is written. */
export function secretsProblem(secrets: readonly string[]): string | null {
  if (secrets.length === 0) return 'at least one secret is required'
  if (secrets.some((s) => s.length < MIN_SECRET_LENGTH)) return `every secret must be at least ${MIN_SECRET_LENGTH} characters`
  if (secrets.some((s) => new Set(s).size < MIN_DISTINCT_SECRET_CHARACTERS)) {
    return `every secret must use at least ${MIN_DISTINCT_SECRET_CHARACTERS} different characters`
  }
  return null
}

/** What sessionMiddleware() takes: a store and a secret; every other option has a default (SESSION_DEFAULTS). */
export interface SessionMiddlewareOptions extends CookieOptions {
  readonly repository: SessionRepository
  /** One secret, or several (first signs, all verify). Each at least 32 characters. */
  readonly secret: string | readonly string[]
  /** Idle timeout; default 86400 (one day). */
  readonly ttlSeconds?: number
  /** Absolute lifetime; default 604800 (seven days). */
  readonly maxAgeSeconds?: number
  /** Refresh the idle deadline on reads once less than this fraction of the TTL is left; default 0.5. */
  readonly refreshThreshold?: number
  /** Largest session, in bytes of JSON; default 131072. */
  readonly maxBytes?: number
  /** Give the session a new id once its id is this old (seconds); 0 turns renewal off. Default 3600. */
  readonly renewSeconds?: number
  /**
   * For this long after a renewal, requests with the previous id are served on the renewed
   * session and get the new cookie; after a login, requests with the pre-login id get 409.
   * Default 30.
   */
  readonly renewGraceSeconds?: number
  /**
   * How many verified cookie values to remember (value → id), so a returning visitor's
   * cookie costs no HMAC; least recently used dropped first; 0 turns it off. Only values
   * that verified are kept. Default 10000 (about 2.5 MB). See `withVerifiedCookieCache`.
   */
  readonly verifiedCookieCacheEntries?: number
  /** Believe X-Forwarded-Proto (only behind a proxy that sets it); default false. */
  readonly trustProxy?: boolean
  /** Milliseconds since the epoch; for tests. */
  readonly clock?: () => number
  /** Told about recoverable surprises (stored data refused by the schema); default: silent. */
  readonly onWarning?: (message: string, details: Record<string, unknown>) => void
  /**
   * Migration from express-session: visitors who arrive with its signed cookie keep
   * their data, which moves here (and to our cookie) on the first request.
   */
  readonly legacy?: LegacyOptions
  /** OpenTelemetry spans and metrics: `sessionTelemetry(otel)`. Default: none, at no cost. */
  readonly telemetry?: SessionTelemetry
}

/** The `schema` option; with it, the session's data type is the schema's output. */
export interface SchemaOption<Schema extends StandardSchema> {
  /**
   * A Standard Schema (zod 4, valibot, arktype…) for the stored data. Data read from
   * the store that fails it is treated as no session: the request gets a new one, and
   * `onWarning` is told why. Never a 500. Writes are checked too: a `set`, `delete` or
   * `update` it refuses throws SessionUsageError (400) naming the key, and nothing of
   * the request is saved; an asynchronous schema is asked at the save instead. The
   * session is typed by the schema's output: leave out sessionMiddleware's type argument.
   */
  readonly schema: Schema
}

/** The `legacy` option: how to recognise and read express-session's sessions during a migration. */
export interface LegacyOptions {
  /** Where the old sessions live, e.g. ConnectDynamoDbSessionSource. */
  readonly source: LegacySessionSource
  /** express-session's `secret` (one or several). */
  readonly secret: string | readonly string[]
  /** express-session's cookie name; default `connect.sid`. */
  readonly cookieName?: string
  /**
   * Epoch milliseconds after which legacy cookies are ignored and legacy items left
   * untouched. Bounds the window in which a planted legacy cookie can work. Default: no end.
   */
  readonly acceptUntil?: number
}

export interface ResolvedOptions {
  readonly secrets: readonly string[]
  readonly cookie: CookieSettings
  readonly policy: SessionPolicy
  readonly trustProxy: boolean
  readonly nowSeconds: () => number
  readonly check: DataCheck | undefined
}

/**
 * The secrets as a list; throws naming `option` when it is missing or not strings,
 * since JavaScript callers (and an unset environment variable) can pass anything.
 */
export function secretList(secret: unknown, option = 'secret'): string[] {
  const list: unknown[] = typeof secret === 'string' ? [secret] : Array.isArray(secret) ? [...(secret as unknown[])] : []
  if (list.length === 0 || list.some((s) => typeof s !== 'string' || s === '')) {
    throw new Error(`sessionMiddleware: ${option} is required: a non-empty string, or an array of non-empty strings`)
  }
  return list as string[]
}

/** The options with defaults filled in; throws naming the first option that is wrong. */
export function resolveOptions(options: SessionMiddlewareOptions, check: DataCheck | undefined): ResolvedOptions {
  const secrets = secretList(options.secret)
  const problem = secretsProblem(secrets)
  if (problem) throw new Error(`sessionMiddleware: secret: ${problem}`)
  const cookie: CookieSettings = cookieSettings(options, SESSION_DEFAULTS)
  const policy: SessionPolicy = {
    ttlSeconds: options.ttlSeconds ?? SESSION_DEFAULTS.ttlSeconds,
    maxAgeSeconds: options.maxAgeSeconds ?? SESSION_DEFAULTS.maxAgeSeconds,
    refreshThreshold: options.refreshThreshold ?? SESSION_DEFAULTS.refreshThreshold,
    maxBytes: options.maxBytes ?? SESSION_DEFAULTS.maxBytes,
    renewSeconds: options.renewSeconds ?? SESSION_DEFAULTS.renewSeconds,
    renewGraceSeconds: options.renewGraceSeconds ?? SESSION_DEFAULTS.renewGraceSeconds,
  }
  if (!(policy.ttlSeconds > 0 && policy.maxAgeSeconds > 0 && policy.maxBytes > 0)) {
    throw new Error('sessionMiddleware: ttlSeconds, maxAgeSeconds and maxBytes must be positive')
  }
  if (!(policy.renewSeconds >= 0 && policy.renewGraceSeconds >= 1)) {
    throw new Error('sessionMiddleware: renewSeconds must be 0 or more and renewGraceSeconds at least 1')
  }
  const clock = options.clock ?? Date.now
  return {
    secrets,
    cookie,
    policy,
    trustProxy: options.trustProxy ?? false,
    nowSeconds: () => Math.floor(clock() / 1000),
    check,
  }
}
