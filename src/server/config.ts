import { z } from 'zod'
import { COOKIE_NAME_PATTERN, MIN_SECRET_LENGTH, SESSION_DEFAULTS } from '../http/session-options.js'

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

const EnvSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: int('PORT', 3000, 0, 65535),
    SESSION_STORE: z.enum(['memory', 'dynamodb'], { error: 'SESSION_STORE must be memory or dynamodb' }).optional(),
    HOST: z.string().min(1).default('127.0.0.1'),
    DYNAMODB_ENDPOINT: z.url({ error: 'DYNAMODB_ENDPOINT must be a URL such as http://localhost:8000' }).optional(),
    AWS_REGION: z.string().min(1).optional(),
    SESSION_TABLE: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{3,255}$/, 'SESSION_TABLE must be 3 to 255 letters, digits, _ . or -')
      .default('sessions'),
    SESSION_CREATE_TABLE: flag('SESSION_CREATE_TABLE', true),
    SESSION_SECRET: z.string().optional(),
    SESSION_TTL_SECONDS: int('SESSION_TTL_SECONDS', SESSION_DEFAULTS.ttlSeconds, 1, 31_536_000),
    SESSION_MAX_AGE_SECONDS: int('SESSION_MAX_AGE_SECONDS', SESSION_DEFAULTS.maxAgeSeconds, 1, 31_536_000),
    SESSION_REFRESH_THRESHOLD: z.coerce
      .number({ error: 'SESSION_REFRESH_THRESHOLD must be a number between 0 and 1' })
      .min(0, 'SESSION_REFRESH_THRESHOLD must be a number between 0 and 1')
      .max(1, 'SESSION_REFRESH_THRESHOLD must be a number between 0 and 1')
      .default(SESSION_DEFAULTS.refreshThreshold),
    SESSION_MAX_BYTES: int('SESSION_MAX_BYTES', SESSION_DEFAULTS.maxBytes, 256, 358_400),
    SESSION_COOKIE_NAME: z
      .string()
      .regex(COOKIE_NAME_PATTERN, 'SESSION_COOKIE_NAME must be a cookie token (letters, digits, -, _)')
      .default(SESSION_DEFAULTS.cookieName),
    SESSION_SAME_SITE: z
      .enum(['Strict', 'Lax', 'None'], { error: 'SESSION_SAME_SITE must be Strict, Lax or None' })
      .default(SESSION_DEFAULTS.sameSite),
    TRUST_PROXY: flag('TRUST_PROXY', false),
    DYNAMODB_TIMEOUT_MS: int('DYNAMODB_TIMEOUT_MS', 2000, 100, 60_000),
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
        error: 'LOG_LEVEL must be fatal, error, warn, info, debug, trace or silent',
      })
      .default('info'),
    SHUTDOWN_TIMEOUT_MS: int('SHUTDOWN_TIMEOUT_MS', 10_000, 0, 600_000),
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
  })
  .superRefine((env, ctx) => {
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
      if (secrets.some((s) => s.length < MIN_SECRET_LENGTH)) {
        ctx.addIssue({
          code: 'custom',
          path: ['SESSION_SECRET'],
          message: `SESSION_SECRET must be one or more comma-separated secrets of at least ${MIN_SECRET_LENGTH} characters each`,
        })
      }
    }
  })

export interface Config {
  readonly port: number
  readonly host: string
  readonly production: boolean
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
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''))
  const result = EnvSchema.safeParse(cleaned)
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? 'environment')
      return issue.message.includes(name) ? issue.message : `${name}: ${issue.message}`
    })
    throw new ConfigError([...new Set(lines)].join('\n'))
  }
  const e = result.data
  const secrets = e.SESSION_SECRET ? e.SESSION_SECRET.split(',').map((s) => s.trim()) : [DEVELOPMENT_SECRET]
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    production: e.NODE_ENV === 'production',
    store: e.SESSION_STORE ?? 'memory',
    storeDefaulted: !e.SESSION_STORE,
    dynamodb: Object.freeze({
      endpoint: e.DYNAMODB_ENDPOINT,
      region: e.AWS_REGION,
      table: e.SESSION_TABLE,
      createTable: e.SESSION_CREATE_TABLE,
      timeoutMs: e.DYNAMODB_TIMEOUT_MS,
      hasAccessKey: cleaned.AWS_ACCESS_KEY_ID !== undefined,
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

/** The names of every variable loadConfig reads, for runtimes that take them as bindings (workerd). */
export const CONFIG_VARIABLES: readonly string[] = Object.freeze(Object.keys(EnvSchema.shape))
