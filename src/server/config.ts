import { z } from 'zod'

/** A stable development secret, so cookies survive restarts; refused in production. */
export const DEVELOPMENT_SECRET = 'development-only-secret-change-me-0123456789'

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
}

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
    SESSION_TTL_SECONDS: int('SESSION_TTL_SECONDS', 86_400, 1, 31_536_000),
    SESSION_MAX_AGE_SECONDS: int('SESSION_MAX_AGE_SECONDS', 604_800, 1, 31_536_000),
    SESSION_REFRESH_THRESHOLD: z.coerce
      .number({ error: 'SESSION_REFRESH_THRESHOLD must be a number between 0 and 1' })
      .min(0, 'SESSION_REFRESH_THRESHOLD must be a number between 0 and 1')
      .max(1, 'SESSION_REFRESH_THRESHOLD must be a number between 0 and 1')
      .default(0.5),
    SESSION_MAX_BYTES: int('SESSION_MAX_BYTES', 131_072, 256, 358_400),
    SESSION_COOKIE_NAME: z
      .string()
      .regex(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,64}$/, 'SESSION_COOKIE_NAME must be a cookie token (letters, digits, -, _)')
      .default('sid'),
    SESSION_SAME_SITE: z
      .enum(['Strict', 'Lax', 'None'], { error: 'SESSION_SAME_SITE must be Strict, Lax or None' })
      .default('Lax'),
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
      .regex(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,64}$/, 'LEGACY_COOKIE_NAME must be a cookie token')
      .default('connect.sid'),
    LEGACY_SESSION_TABLE: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{3,255}$/, 'LEGACY_SESSION_TABLE must be 3 to 255 letters, digits, _ . or -')
      .optional(),
    LEGACY_SESSION_PREFIX: z.string().default('sess:'),
  })
  .superRefine((env, ctx) => {
    if (env.HEADERS_TIMEOUT_MS > env.REQUEST_TIMEOUT_MS) {
      ctx.addIssue({ code: 'custom', path: ['HEADERS_TIMEOUT_MS'], message: 'HEADERS_TIMEOUT_MS must not exceed REQUEST_TIMEOUT_MS' })
    }
    if (env.NODE_ENV === 'production' && !env.SESSION_STORE) {
      ctx.addIssue({ code: 'custom', path: ['SESSION_STORE'], message: 'SESSION_STORE is required when NODE_ENV=production (memory or dynamodb)' })
    }
    if (env.NODE_ENV === 'production' && !env.SESSION_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['SESSION_SECRET'], message: 'SESSION_SECRET is required when NODE_ENV=production' })
    }
    if (env.LEGACY_SESSION_SECRET && env.SESSION_STORE !== 'dynamodb') {
      ctx.addIssue({
        code: 'custom',
        path: ['LEGACY_SESSION_SECRET'],
        message: 'LEGACY_SESSION_SECRET (migration from connect-dynamodb) needs SESSION_STORE=dynamodb',
      })
    }
    if (env.SESSION_SECRET) {
      const secrets = env.SESSION_SECRET.split(',').map((s) => s.trim())
      if (secrets.some((s) => s.length < 32)) {
        ctx.addIssue({
          code: 'custom',
          path: ['SESSION_SECRET'],
          message: 'SESSION_SECRET must be one or more comma-separated secrets of at least 32 characters each',
        })
      }
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
    readonly maxBytes: number
    readonly cookieName: string
    readonly sameSite: 'Strict' | 'Lax' | 'None'
    readonly trustProxy: boolean
  }
  readonly logLevel: string
  readonly shutdownTimeoutMs: number
  /** Migration from express-session + connect-dynamodb; null when off. */
  readonly legacy: {
    readonly secrets: readonly string[]
    readonly cookieName: string
    readonly table: string
    readonly prefix: string
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
  const secrets = e.SESSION_SECRET ? e.SESSION_SECRET.split(',').map((s) => s.trim()) : [DEVELOPMENT_SECRET]
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
      usingDevelopmentSecret: !e.SESSION_SECRET,
      ttlSeconds: e.SESSION_TTL_SECONDS,
      maxAgeSeconds: e.SESSION_MAX_AGE_SECONDS,
      refreshThreshold: e.SESSION_REFRESH_THRESHOLD,
      maxBytes: e.SESSION_MAX_BYTES,
      cookieName: e.SESSION_COOKIE_NAME,
      sameSite: e.SESSION_SAME_SITE,
      trustProxy: e.TRUST_PROXY,
    }),
    logLevel: e.LOG_LEVEL,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    legacy: e.LEGACY_SESSION_SECRET
      ? Object.freeze({
          secrets: Object.freeze(e.LEGACY_SESSION_SECRET.split(',').map((s) => s.trim())),
          cookieName: e.LEGACY_COOKIE_NAME,
          table: e.LEGACY_SESSION_TABLE ?? e.SESSION_TABLE,
          prefix: e.LEGACY_SESSION_PREFIX,
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

const withoutEmpty = (env: Record<string, string | undefined>): Record<string, string> =>
  Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ''))

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
      timeoutMs: e.DYNAMODB_TIMEOUT_MS,
      hasAccessKey: env.AWS_ACCESS_KEY_ID !== undefined,
    }),
  }
}
