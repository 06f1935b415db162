// Where a Lambda HTTP event really came from: the integration, the scheme the
// browser used, and the path prefix (an API Gateway stage) in front of the app's
// routes. Hono's adapter builds every request as https:// on the event's path;
// this corrects both before the app sees the request.

/** The members of a Lambda HTTP event read here; every integration's event fits it. */
export interface LambdaHttpEvent {
  readonly rawPath?: string
  readonly path?: string
  readonly multiValueHeaders?: unknown
  readonly requestContext?: {
    readonly elb?: unknown
    readonly http?: unknown
    readonly stage?: string
    readonly path?: string
    readonly domainName?: string
  }
}

export type Integration = 'rest-api' | 'http-api' | 'function-url' | 'alb' | 'alb-multi-value' | 'other'

export interface Arrival {
  readonly integration: Integration
  /** The scheme the browser used. */
  readonly scheme: 'https' | 'http'
  /** What the browser's path carries in front of the app's routes, e.g. `/prod` on a REST API stage; `''` for none. */
  readonly basePath: string
  /** The leading part of the request URL's path to drop before routing (an HTTP API's named stage). */
  readonly routedPrefix: string
  /** The integration carries several Set-Cookie headers in one response (all but an ALB without multi-value headers). */
  readonly manyCookies: boolean
}

/**
 * A stage prefix is used only as one path segment of the characters API Gateway allows
 * in stage names. The event's paths come from the browser's request line: taken as
 * they are, `//evil.test/login` would make `//evil.test` the prefix, and every
 * redirect and link would point at another site.
 */
const STAGE_SEGMENT = /^\/[A-Za-z0-9_-]{1,128}$/

const safePrefix = (prefix: string): string => (STAGE_SEGMENT.test(prefix) ? prefix : '')

/**
 * Reads the arrival from the event. `forwardedProto` is the request's
 * X-Forwarded-Proto, which counts for ALB only: an ALB sets it to its
 * listener's protocol, replacing whatever the client sent.
 */
export function arrivalOf(event: LambdaHttpEvent, forwardedProto: string | null): Arrival {
  const context = event.requestContext ?? {}
  if (context.elb !== undefined) {
    const proto = forwardedProto?.split(',')[0]?.trim().toLowerCase()
    const multiValue = event.multiValueHeaders !== undefined && event.multiValueHeaders !== null
    return {
      integration: multiValue ? 'alb-multi-value' : 'alb',
      // An ALB always sets the header; without it, assume the safer https.
      scheme: proto === 'http' ? 'http' : 'https',
      basePath: '',
      routedPrefix: '',
      manyCookies: multiValue,
    }
  }
  if (typeof event.rawPath === 'string' && context.http !== undefined) {
    // Payload 2.0: an HTTP API, or a function URL (https://<id>.lambda-url.<region>.on.aws).
    // A named stage stays in rawPath (`/prod/private`); the $default stage has none.
    const stage = context.stage && context.stage !== '$default' ? safePrefix(`/${context.stage}`) : ''
    const staged = stage !== '' && (event.rawPath === stage || event.rawPath.startsWith(`${stage}/`))
    return {
      integration: context.domainName?.endsWith('.on.aws') ? 'function-url' : 'http-api',
      scheme: 'https',
      basePath: staged ? stage : '',
      routedPrefix: staged ? stage : '',
      manyCookies: true,
    }
  }
  if (typeof event.path === 'string' && typeof context.path === 'string') {
    // REST API: `path` is the resource path (`/private`); requestContext.path is what the browser
    // asked for (`/prod/private` on the stage's own URL, `/private` on a custom domain).
    const own = event.path
    const browser = context.path
    const prefix = own === '/' ? browser : browser.endsWith(own) ? browser.slice(0, browser.length - own.length) : ''
    return { integration: 'rest-api', scheme: 'https', basePath: safePrefix(prefix.replace(/\/+$/, '')), routedPrefix: '', manyCookies: true }
  }
  return { integration: 'other', scheme: 'https', basePath: '', routedPrefix: '', manyCookies: true }
}

/** The request as the app should route it: the browser's scheme, the stage prefix taken off the path. */
export function routedRequest(request: Request, arrival: Arrival): Request {
  const url = new URL(request.url)
  const scheme = `${arrival.scheme}:`
  const prefixed = arrival.routedPrefix !== '' && url.pathname.startsWith(arrival.routedPrefix)
  if (url.protocol === scheme && !prefixed) return request
  url.protocol = scheme
  if (prefixed) url.pathname = url.pathname.slice(arrival.routedPrefix.length) || '/'
  return new Request(url, request)
}
