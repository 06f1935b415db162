import type { LambdaEvent } from 'hono/aws-lambda'

export interface HttpApiRequest {
  readonly method?: string
  /** Path with an optional query string, e.g. `/private?x=1`. */
  readonly path: string
  readonly headers?: Record<string, string>
  /** `name=value` pairs, as API Gateway splits the Cookie header into them. */
  readonly cookies?: readonly string[]
  readonly body?: string
}

/** The payload format 2.0 member of the events hono/aws-lambda accepts. */
export type HttpApiEvent = Extract<LambdaEvent, { routeKey: string }>

const DOMAIN = 'abc123.execute-api.us-east-1.amazonaws.com'

/**
 * An API Gateway HTTP API (payload format 2.0) event, shaped like the ones API
 * Gateway sends: header names lower-cased, the Cookie header moved to `cookies`.
 */
export function httpApiEvent(request: HttpApiRequest): HttpApiEvent {
  const method = request.method ?? 'GET'
  const [rawPath = '/', rawQueryString = ''] = request.path.split('?', 2)
  const now = Date.now()
  const userAgent = 'lambda-test/1.0'
  const headers: Record<string, string> = {
    host: DOMAIN,
    'user-agent': userAgent,
    'x-forwarded-proto': 'https',
    'x-forwarded-for': '203.0.113.7',
  }
  for (const [name, value] of Object.entries(request.headers ?? {})) headers[name.toLowerCase()] = value
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString,
    headers,
    ...(request.cookies && request.cookies.length > 0 ? { cookies: [...request.cookies] } : {}),
    body: request.body ?? null,
    isBase64Encoded: false,
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      authentication: null,
      authorizer: {},
      domainName: DOMAIN,
      domainPrefix: 'abc123',
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent },
      requestId: `req-${now}-${Math.random().toString(36).slice(2, 8)}`,
      routeKey: '$default',
      stage: '$default',
      time: new Date(now).toUTCString(),
      timeEpoch: now,
    },
  }
}

/** The `name=value` part of each Set-Cookie line of a v2 response, ready for the next event's `cookies`. */
export const cookiePairs = (setCookies: readonly string[] | undefined): string[] =>
  (setCookies ?? []).map((line) => line.split(';', 1)[0]!.trim())
