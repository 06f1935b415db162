// Lambda events shaped like the ones each HTTP integration sends, and a reader of
// the results the handler gives back, so one test can run against all of them.
import type { LambdaEvent } from 'hono/aws-lambda'

export type Integration = 'http-api' | 'rest-api' | 'function-url' | 'alb' | 'alb-multi-value'

export interface CraftedRequest {
  readonly method?: string
  /** The app's path with an optional query string, e.g. `/private?x=1` (without any stage). */
  readonly path: string
  readonly headers?: Record<string, string>
  /** `name=value` pairs the browser sends. */
  readonly cookies?: readonly string[]
  readonly body?: string
}

export interface IntegrationSetup {
  /** API Gateway stage: REST APIs always have one; for an HTTP API `$default` means none in the path. */
  readonly stage?: string
  /** ALB only: the listener's protocol, which the ALB puts in X-Forwarded-Proto. */
  readonly listener?: 'http' | 'https'
}

/** What a browser would see of one answer, read the way the integration reads the result. */
export interface Answer {
  readonly status: number
  /** Lower-cased names; one value each (all but Set-Cookie). */
  readonly headers: Record<string, string>
  readonly setCookies: string[]
  readonly body: string
}

const HOSTS: Record<Integration, string> = {
  'http-api': 'abc123.execute-api.us-east-1.amazonaws.com',
  'rest-api': 'def456.execute-api.us-east-1.amazonaws.com',
  'function-url': 'ghi789xyz.lambda-url.us-east-1.on.aws',
  alb: 'my-alb-1234567890.us-east-1.elb.amazonaws.com',
  'alb-multi-value': 'my-alb-1234567890.us-east-1.elb.amazonaws.com',
}

/** Where the browser thinks it is: scheme, host and the stage prefix in front of the app's paths. */
export function browserBase(integration: Integration, setup: IntegrationSetup = {}): string {
  const scheme = integration.startsWith('alb') ? (setup.listener ?? 'https') : 'https'
  const stage = stagePrefix(integration, setup)
  return `${scheme}://${HOSTS[integration]}${stage}`
}

function stagePrefix(integration: Integration, setup: IntegrationSetup): string {
  if (integration === 'rest-api') return `/${setup.stage ?? 'prod'}`
  if (integration === 'http-api' && setup.stage && setup.stage !== '$default') return `/${setup.stage}`
  return ''
}

const requestId = () => `req-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`

export function eventFor(integration: Integration, request: CraftedRequest, setup: IntegrationSetup = {}): LambdaEvent {
  const method = request.method ?? 'GET'
  const [path = '/', query = ''] = request.path.split('?', 2)
  const host = HOSTS[integration]
  const cookie = (request.cookies ?? []).join('; ')
  const now = Date.now()
  const userAgent = 'lambda-test/1.0'
  const params = Object.fromEntries(new URLSearchParams(query))

  if (integration === 'http-api' || integration === 'function-url') {
    const stage = integration === 'http-api' ? (setup.stage ?? '$default') : '$default'
    const rawPath = `${stagePrefix(integration, setup)}${path}`
    // Payload 2.0: lower-cased header names, the Cookie header moved to `cookies`.
    const headers: Record<string, string> = { host, 'user-agent': userAgent, 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.7' }
    for (const [name, value] of Object.entries(request.headers ?? {})) headers[name.toLowerCase()] = value
    return {
      version: '2.0',
      routeKey: '$default',
      rawPath,
      rawQueryString: query,
      headers,
      ...(cookie ? { cookies: [...request.cookies!] } : {}),
      body: request.body ?? null,
      isBase64Encoded: false,
      requestContext: {
        accountId: integration === 'function-url' ? 'anonymous' : '123456789012',
        apiId: host.split('.')[0]!,
        authentication: null,
        authorizer: {},
        domainName: host,
        domainPrefix: host.split('.')[0]!,
        http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent },
        requestId: requestId(),
        routeKey: '$default',
        stage,
        time: new Date(now).toUTCString(),
        timeEpoch: now,
      },
    }
  }

  if (integration === 'rest-api') {
    // API Gateway REST (payload 1.0): header names as the client sent them, in both
    // `headers` and `multiValueHeaders`; `path` without the stage, requestContext.path with it.
    const stage = setup.stage ?? 'prod'
    const headers: Record<string, string> = { Host: host, 'User-Agent': userAgent, 'X-Forwarded-Proto': 'https', 'X-Forwarded-For': '203.0.113.7' }
    if (cookie) headers.Cookie = cookie
    for (const [name, value] of Object.entries(request.headers ?? {})) headers[name] = value
    return {
      version: '1.0',
      resource: '/{proxy+}',
      path,
      httpMethod: method,
      headers,
      multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
      queryStringParameters: query ? params : undefined,
      multiValueQueryStringParameters: query ? Object.fromEntries(Object.entries(params).map(([k, v]) => [k, [v]])) : undefined,
      pathParameters: { proxy: path.slice(1) },
      body: request.body ?? null,
      isBase64Encoded: false,
      requestContext: {
        accountId: '123456789012',
        apiId: host.split('.')[0]!,
        authorizer: {},
        domainName: host,
        domainPrefix: host.split('.')[0]!,
        extendedRequestId: requestId(),
        httpMethod: method,
        identity: { sourceIp: '203.0.113.7', userAgent } as never,
        path: `/${stage}${path}`,
        protocol: 'HTTP/1.1',
        requestId: requestId(),
        requestTime: new Date(now).toUTCString(),
        requestTimeEpoch: now,
        resourcePath: '/{proxy+}',
        stage,
      },
    }
  }

  // ALB: lower-cased header names; X-Forwarded-Proto set by the ALB to the listener's protocol.
  const listener = setup.listener ?? 'https'
  const headers: Record<string, string> = {
    host,
    'user-agent': userAgent,
    'x-forwarded-proto': listener,
    'x-forwarded-port': listener === 'https' ? '443' : '80',
    'x-forwarded-for': '203.0.113.7',
  }
  if (cookie) headers.cookie = cookie
  for (const [name, value] of Object.entries(request.headers ?? {})) headers[name.toLowerCase()] = value
  const base = {
    requestContext: { elb: { targetGroupArn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/sessions/0123456789abcdef' } },
    httpMethod: method,
    path,
    body: request.body ?? '',
    isBase64Encoded: false,
  }
  if (integration === 'alb-multi-value') {
    return {
      ...base,
      multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
      multiValueQueryStringParameters: Object.fromEntries(Object.entries(params).map(([k, v]) => [k, [v]])),
    }
  }
  return { ...base, headers, queryStringParameters: params }
}

interface RawResult {
  statusCode: number
  body: string
  headers?: Record<string, unknown>
  multiValueHeaders?: Record<string, unknown>
  cookies?: string[]
}

/** Reads a handler result as the integration would turn it into an HTTP answer. */
export function answerOf(integration: Integration, result: RawResult): Answer {
  const headers: Record<string, string> = {}
  const setCookies: string[] = []
  const take = (name: string, value: unknown) => {
    const key = name.toLowerCase()
    const values = Array.isArray(value) ? value.map(String) : [String(value)]
    if (key === 'set-cookie') setCookies.push(...values)
    else headers[key] = values[0]!
  }
  if (integration === 'alb') {
    // Without multi-value headers an ALB takes one string per header; anything else is a 502.
    if (result.multiValueHeaders) throw new Error('multiValueHeaders in a result for an ALB without multi-value headers')
    for (const [name, value] of Object.entries(result.headers ?? {})) {
      if (typeof value !== 'string') throw new Error(`header ${name} is not a string: ${JSON.stringify(value)}`)
      take(name, value)
    }
  } else {
    for (const [name, value] of Object.entries(result.headers ?? {})) take(name, value)
    if (integration !== 'http-api' && integration !== 'function-url') {
      for (const [name, value] of Object.entries(result.multiValueHeaders ?? {})) take(name, value)
    }
  }
  if (integration === 'http-api' || integration === 'function-url') setCookies.push(...(result.cookies ?? []))
  return { status: result.statusCode, headers, setCookies, body: result.body }
}
