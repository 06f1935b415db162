import { Hono, type Context, type MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { csrf } from 'hono/csrf'
import { HTTPException } from 'hono/http-exception'
import { secureHeaders } from 'hono/secure-headers'
import { demoRoutes } from './demo-routes.js'
import { healthRoutes, type ReadinessCheck } from './health-routes.js'
import { requestLog, type Logger } from './request-log.js'
import { requestOrigin } from './request-origin.js'
import { sessionErrorResponse, sessionMiddleware, type SessionEnv, type SessionMiddlewareOptions } from '../index.js'

export interface AppOptions {
  readonly session: SessionMiddlewareOptions
  /** Used by GET /readyz; defaults to always ready. */
  readonly readiness?: ReadinessCheck
  readonly logger?: Logger
  /**
   * The path prefix in front of the app's routes in the browser's URL, for
   * redirects and links (e.g. `/prod` on an API Gateway REST stage). Default: none.
   */
  readonly basePath?: (c: Context) => string
  /** Tracing middleware (OpenTelemetry): mounted first, so every request's span encloses all the rest. */
  readonly requestTracing?: MiddlewareHandler
}

const MAX_BODY_BYTES = 16 * 1024

/**
 * Builds the demo app around a session store. No module state: every call
 * returns an independent app.
 *
 * @example
 *   const app = createApp({ session: { repository: new MemorySessionRepository(), secret } })
 *   await app.request('/private')
 */
export function createApp(options: AppOptions): Hono<SessionEnv> {
  const app = new Hono<SessionEnv>()
  const logger = options.logger

  if (options.requestTracing) app.use(options.requestTracing)
  if (logger) app.use(requestLog(logger))
  app.use(secureHeaders())
  app.route('/', healthRoutes(options.readiness ?? (async () => {})))
  // Cross-site form posts are refused by Origin; JSON posts need CORS preflight anyway.
  // The expected origin takes its scheme from the proxy when TRUST_PROXY is on, else
  // every form post behind a TLS-terminating proxy would look cross-site.
  const trustProxy = options.session.trustProxy ?? false
  app.use(csrf({ origin: (origin, c) => origin === requestOrigin(c, trustProxy) }))
  // GET and HEAD carry no body, so the limit has nothing to check there. Asking for the body
  // anyway (bodyLimit reads c.req.raw.body) makes @hono/node-server build a full Request per visit.
  const limitBody = bodyLimit({ maxSize: MAX_BODY_BYTES, onError: (c) => c.text('Request body too large.', 413) })
  app.use((c, next) => (c.req.method === 'GET' || c.req.method === 'HEAD' ? next() : limitBody(c, next)))
  app.use(sessionMiddleware(options.session))
  app.route('/', demoRoutes(options.basePath ?? (() => '')))

  app.onError((error, c) => {
    // Refusals by Hono's middleware (csrf's 403) carry their own response; they are not failures.
    if (error instanceof HTTPException) return error.getResponse()
    const response = sessionErrorResponse(error, c)
    if (response) return response
    logger?.error({ err: { name: error.name, message: error.message } }, 'unhandled error')
    return c.text('Internal Server Error', 500)
  })
  return app
}
