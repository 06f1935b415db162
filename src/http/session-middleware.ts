import type { Context, MiddlewareHandler } from 'hono'
import {
  RequestSession,
  type Session,
  type SessionOutcome,
  type SessionPolicy,
} from '../domain/request-session.js'
import type { LegacySessionSource } from '../domain/legacy-session-source.js'
import type { SessionRepository } from '../domain/session-repository.js'
import { createCookieSigner } from './cookie-signer.js'
import { createExpressCookieVerifier } from './express-cookie.js'
import { isSecureRequest } from './request-scheme.js'
import { cookieNameFor, readCookie, serializeSessionCookie, type SameSite } from './session-cookie.js'
import { sessionErrorResponse } from './session-errors.js'

export interface SessionMiddlewareOptions {
  readonly repository: SessionRepository
  /** One secret, or several (first signs, all verify). Each at least 32 characters. */
  readonly secret: string | readonly string[]
  /** Default `sid`; becomes `__Host-sid` over HTTPS. */
  readonly cookieName?: string
  readonly sameSite?: SameSite
  /** Idle timeout; default 86400 (one day). */
  readonly ttlSeconds?: number
  /** Absolute lifetime; default 604800 (seven days). */
  readonly maxAgeSeconds?: number
  /** Refresh the idle deadline on reads once less than this fraction of the TTL is left; default 0.5. */
  readonly refreshThreshold?: number
  /** Largest session, in bytes of JSON; default 131072. */
  readonly maxBytes?: number
  /** Re-reads after a conflicting write before answering 409; default 3. */
  readonly maxRetries?: number
  /** Longer Cookie headers are treated as carrying no session; default 4096. */
  readonly maxCookieHeaderLength?: number
  /** Believe X-Forwarded-Proto (only behind a proxy that sets it); default false. */
  readonly trustProxy?: boolean
  /** Milliseconds since the epoch; for tests. */
  readonly clock?: () => number
  /**
   * Migration from express-session: visitors who arrive with its signed cookie keep
   * their data, which moves here (and to our cookie) on the first write.
   */
  readonly legacy?: LegacyOptions
}

export interface LegacyOptions {
  /** Where the old sessions live, e.g. ConnectDynamoDbSessionSource. */
  readonly source: LegacySessionSource
  /** express-session's `secret` (one or several). */
  readonly secret: string | readonly string[]
  /** express-session's cookie name; default `connect.sid`. */
  readonly cookieName?: string
}

/** Context variables the middleware provides. Mount it and type your app with this. */
export type SessionEnv = {
  Variables: {
    session: Session
    /** What happened to the session, for request logs. */
    sessionOutcome: SessionOutcome
  }
}

export const SESSION_DEFAULTS = {
  cookieName: 'sid',
  sameSite: 'Lax' as SameSite,
  ttlSeconds: 86_400,
  maxAgeSeconds: 604_800,
  refreshThreshold: 0.5,
  maxBytes: 131_072,
  maxRetries: 3,
  maxCookieHeaderLength: 4096,
} as const

const MIN_SECRET_LENGTH = 32

/**
 * Session middleware: reads the signed cookie, gives the handler a lazy
 * `c.var.session`, and saves what changed after the handler.
 *
 * @example
 *   const app = new Hono<SessionEnv>()
 *   app.use(sessionMiddleware({ repository: new MemorySessionRepository(), secret: process.env.SESSION_SECRET! }))
 *   app.get('/', async (c) => c.text(String(await c.var.session.increment('views'))))
 */
export function sessionMiddleware(options: SessionMiddlewareOptions): MiddlewareHandler<SessionEnv> {
  const secrets = typeof options.secret === 'string' ? [options.secret] : [...options.secret]
  if (secrets.length === 0 || secrets.some((s) => s.length < MIN_SECRET_LENGTH)) {
    throw new Error(`sessionMiddleware: every secret must be at least ${MIN_SECRET_LENGTH} characters`)
  }
  const settings = {
    name: options.cookieName ?? SESSION_DEFAULTS.cookieName,
    sameSite: options.sameSite ?? SESSION_DEFAULTS.sameSite,
    maxHeaderLength: options.maxCookieHeaderLength ?? SESSION_DEFAULTS.maxCookieHeaderLength,
  }
  if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(settings.name)) {
    throw new Error('sessionMiddleware: cookieName must be a cookie token (letters, digits, !#$%&\'*+-.^_`|~)')
  }
  const policy: SessionPolicy = {
    ttlSeconds: options.ttlSeconds ?? SESSION_DEFAULTS.ttlSeconds,
    maxAgeSeconds: options.maxAgeSeconds ?? SESSION_DEFAULTS.maxAgeSeconds,
    refreshThreshold: options.refreshThreshold ?? SESSION_DEFAULTS.refreshThreshold,
    maxBytes: options.maxBytes ?? SESSION_DEFAULTS.maxBytes,
    maxRetries: options.maxRetries ?? SESSION_DEFAULTS.maxRetries,
  }
  if (!(policy.ttlSeconds > 0 && policy.maxAgeSeconds > 0 && policy.maxBytes > 0)) {
    throw new Error('sessionMiddleware: ttlSeconds, maxAgeSeconds and maxBytes must be positive')
  }
  const signer = createCookieSigner(secrets)
  const clock = options.clock ?? Date.now
  const nowSeconds = () => Math.floor(clock() / 1000)
  const trustProxy = options.trustProxy ?? false
  const legacy = options.legacy && {
    source: options.legacy.source,
    cookieName: options.legacy.cookieName ?? 'connect.sid',
    verifier: createExpressCookieVerifier(
      typeof options.legacy.secret === 'string' ? [options.legacy.secret] : [...options.legacy.secret],
    ),
  }

  return async function session(c, next) {
    const secure = isSecureRequest(c, trustProxy)
    const name = cookieNameFor(settings, secure)
    const raw = readCookie(c.req.header('cookie'), name, settings.maxHeaderLength)
    // A bad signature ends here: no store call for forged or garbled cookies.
    const id = raw === null ? null : await signer.verify(raw)
    let legacyImport = null
    if (legacy && id === null) {
      const oldRaw = readCookie(c.req.header('cookie'), legacy.cookieName, settings.maxHeaderLength)
      const oldId = oldRaw === null ? null : await legacy.verifier.verify(oldRaw)
      if (oldId !== null) {
        legacyImport = {
          load: (now: number) => legacy.source.load(oldId, now),
          retire: () => legacy.source.delete(oldId),
        }
      }
    }
    const unit = new RequestSession(options.repository, policy, nowSeconds, id, legacyImport)
    c.set('session', unit)
    c.set('sessionOutcome', 'untouched')

    await next()
    if (c.error) return // the handler failed: save nothing of its half-done work

    let result: Awaited<ReturnType<RequestSession['commit']>>
    try {
      result = await unit.commit()
    } catch (error) {
      const response = sessionErrorResponse(error, c)
      if (!response) throw error
      c.set('sessionOutcome', 'failed')
      c.res = response
      return
    }
    c.set('sessionOutcome', result.outcome)
    if (legacy && unit.legacyRetired) {
      appendAfterHandler(c, 'Set-Cookie', serializeSessionCookie(legacy.cookieName, '', { maxAgeSeconds: 0, secure, sameSite: settings.sameSite }))
    }
    const { cookie } = result
    if (cookie.kind === 'none') return
    // HMAC is deterministic: with a single secret, the cookie that came in is already the
    // signed value for an unchanged id, so a rolling refresh needs no new signature.
    const reuse = cookie.kind === 'set' && cookie.id === id && raw !== null && secrets.length === 1
    const value = cookie.kind === 'set' ? (reuse ? raw! : await signer.sign(cookie.id)) : ''
    const maxAgeSeconds = cookie.kind === 'set' ? cookie.maxAgeSeconds : 0
    appendAfterHandler(c, 'Set-Cookie', serializeSessionCookie(name, value, { maxAgeSeconds, secure, sameSite: settings.sameSite }))
    // A response that hands out a credential must not be stored by caches.
    setAfterHandler(c, 'Cache-Control', 'no-store')
  }
}

/**
 * Headers added once the handler has returned its response go into that response in
 * place: c.header() would copy it, and on @hono/node-server the copy turns a plain
 * string body into a stream, several times slower to send. Responses whose headers are
 * immutable (Response.redirect(), a fetch() result) are copied as before.
 */
function appendAfterHandler(c: Context, name: string, value: string): void {
  try {
    c.res.headers.append(name, value)
  } catch {
    c.header(name, value, { append: true })
  }
}

function setAfterHandler(c: Context, name: string, value: string): void {
  try {
    c.res.headers.set(name, value)
  } catch {
    c.header(name, value)
  }
}

