import type { Context, MiddlewareHandler } from 'hono'
import { schemaCheck, schemaWriteCheck } from '../domain/data-check.js'
import { LegacyImport } from '../domain/legacy-import.js'
import type { SessionOutcome } from '../domain/commit-result.js'
import { RequestSession } from '../domain/request-session.js'
import type { JsonData } from '../domain/json-value.js'
import { sessionFacade } from '../domain/session-facade.js'
import type { Session, UntypedSessionData } from '../domain/session-api.js'
import type { StoreCost } from '../domain/session-repository.js'
import type { StandardSchema } from '../domain/standard-schema.js'
import { createCookieSigner } from './cookie-signer.js'
import { deviceSummary } from './device-summary.js'
import { createExpressCookieVerifier } from './express-cookie.js'
import { isSecureRequest } from './request-scheme.js'
import { cookieHeaderTooLong, cookieNameFor, readCookie, serializeSessionCookie } from './session-cookie.js'
import { sessionErrorResponse } from './session-errors.js'
import {
  resolveOptions,
  secretList,
  SESSION_DEFAULTS,
  type SchemaOption,
  type SessionMiddlewareOptions,
} from './session-options.js'
import { VERIFIED_COOKIE_CACHE_ENTRIES, withVerifiedCookieCache } from './verified-cookie-cache.js'
import { NO_TELEMETRY } from '../domain/telemetry-port.js'
import { instrumentRepository } from '../telemetry/instrument-repository.js'
import { outcomeFromCommit, outcomeFromError } from '../telemetry/session-attributes.js'

/** Context variables the middleware provides. Type your app with it: `new Hono<SessionEnv<MyData>>()`. */
export type SessionEnv<Data extends JsonData<Data> = UntypedSessionData> = {
  Variables: {
    session: Session<Data>
    /** What happened to the session, for request logs. */
    sessionOutcome: SessionOutcome
    /** What the store charged for this request's session calls (DynamoDB capacity units); absent for stores without costs. */
    sessionCost: StoreCost | undefined
  }
}

/** What a compile error shows when a schema meets a type argument: a schema's output may not differ from `Data`. */
type NoTypeArgumentWithSchema = 'with a schema, leave out the type argument: the schema output types the session'

/**
 * Session middleware with a Standard Schema (zod 4, valibot, arktype…): the session
 * is typed by the schema's output, so the two cannot disagree. Leave out the type
 * argument; type the app with the same output.
 *
 * @example
 *   const Data = z.object({ views: z.number().optional() })
 *   const app = new Hono<SessionEnv<z.output<typeof Data>>>()
 *   app.use(sessionMiddleware({ repository, secret, schema: Data }))
 */
export function sessionMiddleware<Data extends JsonData<Data>, Schema extends StandardSchema<Data>>(
  options: SessionMiddlewareOptions & SchemaOption<Schema & StandardSchema<Data>>,
): MiddlewareHandler<SessionEnv<Data>>
/**
 * Session middleware: reads the signed cookie, gives the handler a lazy
 * `c.var.session`, and saves what changed after the handler, all or nothing.
 * A response whose handler read the session is marked `Cache-Control: private,
 * no-store` with `Vary: Cookie`. The type argument types the session's data
 * (untyped without one); with a `schema`, leave it out.
 *
 * @example
 *   const app = new Hono<SessionEnv<{ views: number }>>()
 *   app.use(sessionMiddleware<{ views: number }>({ repository: new MemorySessionRepository(), secret: process.env.SESSION_SECRET! }))
 *   app.get('/', async (c) => c.text(String(await c.var.session.increment('views'))))
 */
export function sessionMiddleware<Data extends JsonData<Data> = UntypedSessionData>(
  options: SessionMiddlewareOptions & { readonly schema?: NoTypeArgumentWithSchema },
): MiddlewareHandler<SessionEnv<Data>>
export function sessionMiddleware(options: SessionMiddlewareOptions & { readonly schema?: StandardSchema | string }): MiddlewareHandler<SessionEnv> {
  const schema = options.schema === undefined ? undefined : standardSchema(options.schema)
  const resolved = resolveOptions(options, schema && schemaCheck(schema))
  const checkWrite = schema && schemaWriteCheck(schema)
  const { secrets, cookie: settings, policy, trustProxy, nowSeconds, check } = resolved
  const signer = withVerifiedCookieCache(createCookieSigner(secrets), options.verifiedCookieCacheEntries ?? VERIFIED_COOKIE_CACHE_ENTRIES)
  const warn = options.onWarning
  const legacy = options.legacy && {
    source: options.legacy.source,
    cookieName: options.legacy.cookieName ?? SESSION_DEFAULTS.legacyCookieName,
    acceptUntil: options.legacy.acceptUntil ?? Number.POSITIVE_INFINITY,
    verifier: createExpressCookieVerifier(secretList(options.legacy.secret, 'legacy.secret')),
  }
  const telemetry = options.telemetry ?? NO_TELEMETRY
  // Store calls traced and timed; without telemetry this is the repository itself.
  const store = instrumentRepository(options.repository, telemetry)
  // express-session's cookie: Path=/, no Domain, whatever ours has.
  const legacySettings = { ...settings, path: '/', domain: undefined, partitioned: false }

  return async function session(c, next) {
    const secure = isSecureRequest(c, trustProxy)
    const name = cookieNameFor(settings, secure)
    // Too long to parse: refused before anything is read, so no new cookie replaces the
    // visitor's session (cookie tossing from a sibling subdomain cannot log anyone out).
    if (cookieHeaderTooLong(c, settings.maxHeaderLength)) {
      c.header('Cache-Control', 'no-store')
      return c.text('Cookie header too large.', 431)
    }
    const raw = readCookie(c, name)
    // A bad signature ends here: no store call for forged or garbled cookies.
    const verified = raw === null ? null : await signer.verify(raw)
    const id = verified?.id ?? null
    let legacyImport: LegacyImport | null = null
    // After the migration window, legacy cookies are ignored and legacy items left alone.
    if (legacy && id === null && nowSeconds() * 1000 < legacy.acceptUntil) {
      const oldRaw = readCookie(c, legacy.cookieName)
      const oldId = oldRaw === null ? null : await legacy.verifier.verify(oldRaw)
      if (oldId !== null) {
        legacyImport = new LegacyImport(
          {
            load: (now) => legacy.source.load(oldId, now),
            claim: (now, until) => legacy.source.claim(oldId, now, until),
            release: () => legacy.source.release(oldId),
            complete: (now) => legacy.source.complete(oldId, now),
            retire: () => legacy.source.delete(oldId),
          },
          nowSeconds,
        )
      }
    }
    const cost: StoreCost = { readUnits: 0, writeUnits: 0 }
    const repository = store.metered?.(cost)
    c.set('sessionCost', repository ? cost : undefined)
    const unit = new RequestSession(repository ?? store, policy, nowSeconds, id, {
      telemetry,
      legacy: legacyImport,
      check,
      ...(checkWrite ? { checkWrite } : {}),
      onInvalidData: (reason) => warn?.('stored session data failed the schema; starting a new session', { reason }),
      // Only a login keeps it, so the header is read only then.
      device: () => deviceSummary(c.req.header('user-agent')),
      ...(verified ? { incomingKey: verified.key } : {}),
    })
    c.set('session', sessionFacade(unit) as unknown as Session)
    c.set('sessionOutcome', 'untouched')

    await next()
    if (c.error) {
      // The handler failed: save nothing of its half-done work, and take back what it applied (increments).
      // A session error was answered by its own getResponse() (or by sessionErrorResponse in onError).
      await unit.abort()
      c.set('sessionOutcome', 'failed')
      telemetry.requestEnded(outcomeFromError(c.error), repository ? cost : undefined)
      return
    }

    let result: Awaited<ReturnType<RequestSession['commit']>>
    try {
      result = await telemetry.save(() => unit.commit(), (r) => outcomeFromCommit(r.outcome))
    } catch (error) {
      telemetry.requestEnded(outcomeFromError(error), repository ? cost : undefined)
      const response = sessionErrorResponse(error, c)
      if (!response) throw error
      // Replace the handler's answer outright. Assigning over it would merge the two through
      // `new Response(body, oldResponse)`, and on @hono/node-server that copy keeps the old
      // status: a 409 or 503 from saving would go out as the handler's 200.
      c.res = undefined
      c.res = response
      return
    }
    c.set('sessionOutcome', result.outcome)
    telemetry.requestEnded(outcomeFromCommit(result.outcome), repository ? cost : undefined)
    if (legacyImport && legacyImport.dropped > 0) {
      warn?.('legacy session values that cannot be stored were dropped', { dropped: legacyImport.dropped })
    }
    if (legacy && unit.legacyRetired) {
      appendAfterHandler(c, 'Set-Cookie', serializeSessionCookie(legacy.cookieName, legacySettings, { value: '', maxAgeSeconds: 0, secure }))
    }
    const change = result.identity
    if (change.kind !== 'unchanged') {
      // HMAC is deterministic: with a single secret, the cookie that came in is already the
      // signed value for an unchanged id, so a rolling refresh needs no new signature.
      const reuse = change.kind === 'issued' && change.id === id && raw !== null && secrets.length === 1
      const value = change.kind === 'issued' ? (reuse ? raw! : await signer.sign(change.id)) : ''
      const maxAgeSeconds = change.kind === 'issued' ? change.maxAgeSeconds : 0
      const persistent = change.kind === 'issued' ? change.persistent : undefined
      appendAfterHandler(c, 'Set-Cookie', serializeSessionCookie(name, settings, { value, maxAgeSeconds, secure, ...(persistent === undefined ? {} : { persistent }) }))
    }
    // A response that hands out a credential, or whose body came from the session, is for this browser only.
    if (change.kind !== 'unchanged' || unit.wasRead) {
      setAfterHandler(c, 'Cache-Control', 'private, no-store')
      appendVaryCookie(c)
    }
  }
}

/** The schema option, checked: zod and valibot schemas are objects, arktype's are functions. */
function standardSchema(schema: unknown): StandardSchema {
  const standard = (schema as StandardSchema | null)?.['~standard']
  if (typeof standard?.validate !== 'function') throw new Error('sessionMiddleware: schema must be a Standard Schema (zod 4, valibot, arktype…)')
  return schema as StandardSchema
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

function appendVaryCookie(c: Context): void {
  const vary = c.res.headers.get('vary')
  if (vary && /(^|,)\s*(cookie|\*)\s*(,|$)/i.test(vary)) return
  if (vary) setAfterHandler(c, 'Vary', `${vary}, Cookie`)
  else setAfterHandler(c, 'Vary', 'Cookie')
}
