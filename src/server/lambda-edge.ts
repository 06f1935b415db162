// The app as Lambda serves it: the request corrected to where it really arrived,
// a store that is not ready yet answered like an outage, and the session cookie
// first where only one Set-Cookie gets through.
import { Hono, type Context } from 'hono'
import type { BoundedStartup } from './bounded-startup.js'
import type { Composition } from './compose.js'
import { arrivalOf, routedRequest, type LambdaHttpEvent } from './lambda-arrival.js'
import { keepSessionCookie } from './single-set-cookie.js'
import { sessionErrorResponse, SessionStoreUnavailableError } from '../index.js'

/** What hono/aws-lambda passes as the app's env; `basePath` is added for the inner app. */
export interface LambdaBindings {
  readonly event: LambdaHttpEvent
  readonly basePath?: string
}

/** The inner app's per-request base path, as the edge passed it. */
export const lambdaBasePath = (c: Context): string => (c.env as LambdaBindings | undefined)?.basePath ?? ''

export function lambdaEdge({ app, config, logger }: Composition, startup: BoundedStartup): Hono<{ Bindings: LambdaBindings }> {
  const edge = new Hono<{ Bindings: LambdaBindings }>()
  edge.all('*', async (c) => {
    const arrival = arrivalOf(c.env.event, c.req.header('x-forwarded-proto') ?? null)
    const request = routedRequest(c.req.raw, arrival)
    // Liveness never waits for the store; everything else does, within DYNAMODB_TIMEOUT_MS.
    if (new URL(request.url).pathname !== '/healthz' && !(await startup.ready())) {
      return sessionErrorResponse(new SessionStoreUnavailableError('session store not ready'), c)!
    }
    const response = await app.fetch(request, { ...c.env, basePath: arrival.basePath })
    return arrival.manyCookies ? response : keepSessionCookie(response, config.session.cookieName, logger)
  })
  return edge
}
