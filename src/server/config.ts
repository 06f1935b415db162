import { z } from 'zod'
import { COOKIE_NAME_PATTERN, SESSION_DEFAULTS, secretsProblem } from '../index.js'
import { DEVELOPMENT_SECRET, developmentSecretProblem } from './development-secret.js'
import { parseSecretList } from './secret-list.js'

export { DEVELOPMENT_SECRET } from './development-secret.js'

const flag = (name: string, fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0'], { error: `${name} must be true or false` })
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1')

const int = (name: string, fallback: number, min: number, max: number) =>
  z.coerce
    .number({ error: `${name} must be a whole number` })
    .int(`${name} must be a whole number`)
    .min(min, `${name} must be between ${min} and ${max}`)
    .max(max, `${name} must be between ${min} and ${max}`)
    .default(fallback)

/** What the server and the operator CLI both need to reach the table. */
const StoreFields = {
  SESSION_STORE: z.enum(['memory', 'dynamodb'], { error: 'SESSION_STORE must be memory or dynamodb' }).optional(),
  // http(s) only: `localhost:8000` parses as a URL with the scheme "localhost:" and would fail every call.
  DYNAMODB_ENDPOINT: z
    .url({ protocol: /^https?$/, error: 'DYNAMODB_ENDPOINT must be an http(s) URL such as http://localhost:8000' })
    .optional(),
  AWS_REGION: z.string().min(1).optional(),
  SESSION_TABLE: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{3,255}$/, 'SESSION_TABLE must be 3 to 255 letters, digits, _ . or -')
    .default('sessions'),
  DYNAMODB_TIMEOUT_MS: int('DYNAMODB_TIMEOUT_MS', 2000, 100, 60_000),
  SESSION_CONSISTENT_READS: z
    .enum(['strong', 'eventual'], { error: 'SESSION_CONSISTENT_READS must be strong or eventual' })
    .default('strong'),
}

/** One configuration problem, reported against the variable it names. */
const refuse = (ctx: z.RefinementCtx, name: string, message: string) => ctx.addIssue({ code: 'custom', path: [name], message })

const EnvSchema = z
  .object({
    ...StoreFields,
    NODE_ENV: z
      .enum(['development', 'production', 'test'], { error: 'NODE_ENV must be development, production or test' })
      .default('development'),
    PORT: int('PORT', 3000, 0, 65535),
    HOST: z.string().min(1).default('127.0.0.1'),
    SESSION_CREATE_TABLE: flag('SESSION_CREATE_TABLE', true),
    SESSION_SECRET: z.string().optional(),
    SESSION_TTL_SECONDS: int('SESSION_TTL_SECONDS', SESSION_DEFAULTS.ttlSeconds, 1, 31_536_000),
    SESSION_MAX_AGE_SECONDS: int('SESSION_MAX_AGE_SECONDS', SESSION_DEFAULTS.maxAgeSeconds, 1, 31_536_000),
    SESSION_REFRESH_THRESHOLD: z.coerce
      .number({ error: 'SESSION_REFRESH_THRESHOLD must be a number between 0 and 1' })
      .min(0, 'SESSION_REFRESH_THRESHOLD must be a number between 0 and 1')
      .max(1, 'SESSION_REFRESH_THRESHOLD must be a number between 0 and 1')
      .default(SESSION_DEFAULTS.refreshThreshold),
    SESSION_RENEW_SECONDS: int('SESSION_RENEW_SECONDS', SESSION_DEFAULTS.renewSeconds, 0, 31_536_000),
    SESSION_RENEW_GRACE_SECONDS: int('SESSION_RENEW_GRACE_SECONDS', SESSION_DEFAULTS.renewGraceSeconds, 1, 3600),
    SESSION_MAX_BYTES: int('SESSION_MAX_BYTES', SESSION_DEFAULTS.maxBytes, 256, 358_400),
    SESSION_MAX_PER_USER: int('SESSION_MAX_PER_USER', 50, 1, 1000),
    SESSION_COOKIE_NAME: z
      .string()
      .regex(COOKIE_NAME_PATTERN, 'SESSION_COOKIE_NAME must be a cookie token (letters, digits, -, _)')
      .default(SESSION_DEFAULTS.cookieName),
    SESSION_SAME_SITE: z
      .enum(['Strict', 'Lax', 'None'], { error: 'SESSION_SAME_SITE must be Strict, Lax or None' })
      .default(SESSION_DEFAULTS.sameSite),
    TRUST_PROXY: flag('TRUST_PROXY', false),
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
        error: 'LOG_LEVEL must be fatal, error, warn, info, debug, trace or silent',
      })
      .default('info'),
    SHUTDOWN_TIMEOUT_MS: int('SHUTDOWN_TIMEOUT_MS', 10_000, 0, 600_000),
    HEADERS_TIMEOUT_MS: int('HEADERS_TIMEOUT_MS', 10_000, 100, 600_000),
    REQUEST_TIMEOUT_MS: int('REQUEST_TIMEOUT_MS', 30_000, 100, 600_000),
    MAX_CONNECTIONS: int('MAX_CONNECTIONS', 1000, 1, 1_000_000),
    LEGACY_SESSION_SECRET: z.string().optional(),
    LEGACY_COOKIE_NAME: z
      .string()
      .regex(COOKIE_NAME_PATTERN, 'LEGACY_COOKIE_NAME must be a cookie token')
      .default(SESSION_DEFAULTS.legacyCookieName),
    LEGACY_SESSION_TABLE: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{3,255}$/, 'LEGACY_SESSION_TABLE must be 3 to 255 letters, digits, _ . or -')
      .optional(),
    LEGACY_SESSION_PREFIX: z.string().default('sess:'),
    LEGACY_ACCEPT_UNTIL: z.iso
      .datetime({ offset: true, error: 'LEGACY_ACCEPT_UNTIL must be an ISO 8601 instant such as 2027-06-30T00:00:00Z' })
      .optional(),
  })
  .superRefine((env, ctx) => {
    if (env.HEADERS_TIMEOUT_MS > env.REQUEST_TIMEOUT_MS) {
      refuse(ctx, 'HEADERS_TIMEOUT_MS', 'HEADERS_TIMEOUT_MS must not exceed REQUEST_TIMEOUT_MS')
    }
    if (env.NODE_ENV === 'production' && !env.SESSION_STORE) {
      refuse(ctx, 'SESSION_STORE', 'SESSION_STORE is required when NODE_ENV=production (memory or dynamodb)')
    }
    if (env.LEGACY_SESSION_SECRET && env.SESSION_STORE !== 'dynamodb') {
      refuse(ctx, 'LEGACY_SESSION_SECRET', 'LEGACY_SESSION_SECRET (migration from connect-dynamodb) needs SESSION_STORE=dynamodb')
    }
    if (env.SESSION_SECRET) {
      const secrets = parseSecretList(env.SESSION_SECRET)
      const problem = typeof secrets === 'string' ? secrets : secretsProblem(secrets)
      if (problem) refuse(ctx, 'SESSION_SECRET', `SESSION_SECRET: ${problem}`)
    }
    const publicSecret = developmentSecretProblem(env)
    if (publicSecret) refuse(ctx, 'SESSION_SECRET', publicSecret)
    if (env.LEGACY_SESSION_SECRET) {
      const secrets = parseSecretList(env.LEGACY_SESSION_SECRET)
      if (typeof secrets === 'string') refuse(ctx, 'LEGACY_SESSION_SECRET', `LEGACY_SESSION_SECRET: ${secrets}`)
    }
  })

const AdminSchema = z.object(StoreFields)

/** The part of the configuration that locates the table; all the operator CLI reads. */
export interface StoreConfig {
  readonly store: 'memory' | 'dynamodb'
  /** SESSION_STORE was not set, so the memory store was picked. */
  readonly storeDefaulted: boolean
  readonly dynamodb: {
    readonly endpoint: string | undefined
    readonly region: string | undefined
    readonly table: string
    readonly createTable: boolean
    /** How session reads are made: strongly (default) or eventually consistent at half the read cost. */
    readonly consistentReads: 'strong' | 'eventual'
    readonly timeoutMs: number
    /** AWS_ACCESS_KEY_ID is set, so the SDK's own credential chain has keys to use. */
    readonly hasAccessKey: boolean
  }
}

export interface Config extends StoreConfig {
  readonly port: number
  readonly host: string
  readonly production: boolean
  /** Limits of the HTTP server (Node: all three; Bun: the request timeout as idleTimeout; Deno: none). */
  readonly http: {
    /** Longest wait for a request's headers, in milliseconds. */
    readonly headersTimeoutMs: number
    /** Longest wait for a whole request (headers and body), in milliseconds. */
    readonly requestTimeoutMs: number
    /** Open connections accepted at once; more are refused. */
    readonly maxConnections: number
  }
  readonly session: {
    readonly secrets: readonly string[]
    readonly usingDevelopmentSecret: boolean
    readonly ttlSeconds: number
    readonly maxAgeSeconds: number
    readonly refreshThreshold: number
    readonly renewSeconds: number
    readonly renewGraceSeconds: number
    readonly maxBytes: number
    readonly cookieName: string
    readonly sameSite: 'Strict' | 'Lax' | 'None'
    readonly trustProxy: boolean
  }
  /** Most sessions one user may hold at once; a login beyond it ends the oldest. */
  readonly maxSessionsPerUser: number
  readonly logLevel: string
  readonly shutdownTimeoutMs: number
  /** Migration from express-session + connect-dynamodb; null when off. */
  readonly legacy: {
    readonly secrets: readonly string[]
    readonly cookieName: string
    readonly table: string
    readonly prefix: string
    /** Epoch milliseconds after which legacy cookies are ignored; Infinity when unset. */
    readonly acceptUntil: number
  } | null
}

/** A configuration problem, listed one line per variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError'
}

/**
 * Reads and validates the environment once. Empty strings count as unset.
 * Throws ConfigError naming every bad variable.
 */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const cleaned = withoutEmpty(env)
  const e = parse(EnvSchema, cleaned)
  const secrets = e.SESSION_SECRET ? (parseSecretList(e.SESSION_SECRET) as string[]) : [DEVELOPMENT_SECRET]
  return Object.freeze({
    ...storeConfig(e, cleaned, e.SESSION_CREATE_TABLE),
    port: e.PORT,
    host: e.HOST,
    production: e.NODE_ENV === 'production',
    http: Object.freeze({
      headersTimeoutMs: e.HEADERS_TIMEOUT_MS,
      requestTimeoutMs: e.REQUEST_TIMEOUT_MS,
      maxConnections: e.MAX_CONNECTIONS,
    }),
    session: Object.freeze({
      secrets: Object.freeze(secrets),
      usingDevelopmentSecret: secrets.includes(DEVELOPMENT_SECRET),
      ttlSeconds: e.SESSION_TTL_SECONDS,
      maxAgeSeconds: e.SESSION_MAX_AGE_SECONDS,
      refreshThreshold: e.SESSION_REFRESH_THRESHOLD,
      renewSeconds: e.SESSION_RENEW_SECONDS,
      renewGraceSeconds: e.SESSION_RENEW_GRACE_SECONDS,
      maxBytes: e.SESSION_MAX_BYTES,
      cookieName: e.SESSION_COOKIE_NAME,
      sameSite: e.SESSION_SAME_SITE,
      trustProxy: e.TRUST_PROXY,
    }),
    maxSessionsPerUser: e.SESSION_MAX_PER_USER,
    logLevel: e.LOG_LEVEL,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    legacy: e.LEGACY_SESSION_SECRET
      ? Object.freeze({
          secrets: Object.freeze(parseSecretList(e.LEGACY_SESSION_SECRET) as string[]),
          cookieName: e.LEGACY_COOKIE_NAME,
          table: e.LEGACY_SESSION_TABLE ?? e.SESSION_TABLE,
          prefix: e.LEGACY_SESSION_PREFIX,
          acceptUntil: e.LEGACY_ACCEPT_UNTIL ? Date.parse(e.LEGACY_ACCEPT_UNTIL) : Number.POSITIVE_INFINITY,
        })
      : null,
  })
}

/**
 * The operator CLI's configuration: only the variables that locate the table
 * (SESSION_STORE, SESSION_TABLE, DYNAMODB_ENDPOINT, AWS_REGION,
 * DYNAMODB_TIMEOUT_MS). Secrets, ports and NODE_ENV are the server's business.
 */
export function loadStoreConfig(env: Record<string, string | undefined>): StoreConfig {
  const cleaned = withoutEmpty(env)
  // The CLI never creates tables.
  return Object.freeze(storeConfig(parse(AdminSchema, cleaned), cleaned, false))
}

/** Empty strings count as unset, except an explicit empty LEGACY_SESSION_PREFIX (connect-dynamodb with prefix ''). */
const withoutEmpty = (env: Record<string, string | undefined>): Record<string, string> =>
  Object.fromEntries(
    Object.entries(env).filter(
      (entry): entry is [string, string] => entry[1] !== undefined && (entry[1] !== '' || entry[0] === 'LEGACY_SESSION_PREFIX'),
    ),
  )

function parse<T extends z.ZodType>(schema: T, env: Record<string, string>): z.output<T> {
  const result = schema.safeParse(env)
  if (result.success) return result.data
  const lines = result.error.issues.map((issue) => {
    const name = String(issue.path[0] ?? 'environment')
    return issue.message.includes(name) ? issue.message : `${name}: ${issue.message}`
  })
  throw new ConfigError([...new Set(lines)].join('\n'))
}

function storeConfig(e: z.output<typeof AdminSchema>, env: Record<string, string>, createTable: boolean): StoreConfig {
  return {
    store: e.SESSION_STORE ?? 'memory',
    storeDefaulted: !e.SESSION_STORE,
    dynamodb: Object.freeze({
      endpoint: e.DYNAMODB_ENDPOINT,
      region: e.AWS_REGION,
      table: e.SESSION_TABLE,
      createTable,
      consistentReads: e.SESSION_CONSISTENT_READS,
      timeoutMs: e.DYNAMODB_TIMEOUT_MS,
      hasAccessKey: env.AWS_ACCESS_KEY_ID !== undefined,
    }),
  }
}

/** The names of every variable loadConfig reads, for runtimes that take them as bindings (workerd). */
export const CONFIG_VARIABLES: readonly string[] = Object.freeze(Object.keys(EnvSchema.shape))
