import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { endpoint, freshTable } from '../support/dynamodb.js'
import { SECRET } from '../support/secrets.js'
import { buildExample, cookieOf, installExample } from './support/example-install.js'

// A warm Lambda container, roughly: one Node process that imports the built handler once
// and is handed one event per line, answering with the handler's result.
const DRIVER = `import { createInterface } from 'node:readline'
const { handler } = await import('./dist/handler.js')
for await (const line of createInterface({ input: process.stdin })) {
  const result = await handler(JSON.parse(line), {}).catch((error) => ({ error: String(error?.stack ?? error) }))
  process.stdout.write(JSON.stringify(result) + '\\n')
}
`

interface LambdaResult {
  statusCode: number
  body: string
  headers?: Record<string, string>
  multiValueHeaders?: Record<string, string[]>
  cookies?: string[]
  error?: string
}

class Container {
  readonly #child: ChildProcessWithoutNullStreams
  readonly #waiting: Array<{ resolve: (line: string) => void; reject: (error: Error) => void }> = []
  #stderr = ''

  constructor(dir: string, env: Record<string, string>) {
    this.#child = spawn(process.execPath, ['driver.mjs'], { cwd: dir, env: { PATH: process.env.PATH ?? '', ...env } })
    this.#child.stderr.on('data', (chunk) => (this.#stderr += chunk))
    createInterface({ input: this.#child.stdout }).on('line', (line) => this.#waiting.shift()?.resolve(line))
    this.#child.once('exit', (code) => {
      for (const waiter of this.#waiting.splice(0)) waiter.reject(new Error(`the handler's process exited (${code}):\n${this.#stderr}`))
    })
  }

  async invoke(event: object): Promise<LambdaResult> {
    const line = new Promise<string>((resolve, reject) => this.#waiting.push({ resolve, reject }))
    this.#child.stdin.write(`${JSON.stringify(event)}\n`)
    const result = JSON.parse(await line) as LambdaResult
    if (result.error) throw new Error(result.error)
    return result
  }

  stop(): void {
    this.#child.kill('SIGKILL')
  }
}

const HOST = 'abc123.execute-api.eu-west-1.amazonaws.com'

interface Request {
  method: 'GET' | 'POST'
  path: string
  cookie: string | null
  body?: unknown
}

const jsonHeaders = (r: Request): Record<string, string> => ({
  host: HOST,
  'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0',
  ...(r.body === undefined ? {} : { 'content-type': 'application/json' }),
})

/** API Gateway REST API, payload 1.0, on a custom domain (no stage in the path). */
function restEvent(r: Request) {
  const headers: Record<string, string> = { ...jsonHeaders(r), 'x-forwarded-proto': 'https', ...(r.cookie ? { cookie: r.cookie } : {}) }
  return {
    resource: '/{proxy+}',
    path: r.path,
    httpMethod: r.method,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      stage: 'prod',
      path: r.path,
      httpMethod: r.method,
      domainName: HOST,
      requestId: crypto.randomUUID(),
      resourcePath: '/{proxy+}',
      identity: { sourceIp: '203.0.113.7' },
    },
    body: r.body === undefined ? null : JSON.stringify(r.body),
    isBase64Encoded: false,
  }
}

/** API Gateway HTTP API, payload 2.0, `$default` stage. */
function httpApiEvent(r: Request) {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: r.path,
    rawQueryString: '',
    ...(r.cookie ? { cookies: [r.cookie] } : {}),
    headers: { ...jsonHeaders(r), 'x-forwarded-proto': 'https' },
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      domainName: HOST,
      domainPrefix: 'abc123',
      http: { method: r.method, path: r.path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'Firefox' },
      requestId: crypto.randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
    },
    body: r.body === undefined ? undefined : JSON.stringify(r.body),
    isBase64Encoded: false,
  }
}

/** An Application Load Balancer with an HTTP listener; `multiValue` as the target group's setting. */
function albEvent(r: Request, multiValue: boolean) {
  const headers: Record<string, string> = {
    ...jsonHeaders(r),
    host: 'my-alb-123.eu-west-1.elb.amazonaws.com',
    'x-forwarded-proto': 'http',
    ...(r.cookie ? { cookie: r.cookie } : {}),
  }
  return {
    requestContext: { elb: { targetGroupArn: 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/sessions/0123456789abcdef' } },
    httpMethod: r.method,
    path: r.path,
    ...(multiValue
      ? { multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])), multiValueQueryStringParameters: {} }
      : { headers, queryStringParameters: {} }),
    body: r.body === undefined ? '' : JSON.stringify(r.body),
    isBase64Encoded: false,
  }
}

/** The Set-Cookie lines of a result, wherever the integration puts them. */
function setCookiesOf(result: LambdaResult): string[] {
  if (result.cookies) return result.cookies
  const multi = result.multiValueHeaders?.['set-cookie']
  if (multi) return multi
  const single = result.headers?.['set-cookie']
  return single ? [single] : []
}

describe('examples/lambda, installed from the packed tarball, on DynamoDB Local', () => {
  const work = mkdtempSync(join(tmpdir(), 'example-lambda-'))
  let table: Awaited<ReturnType<typeof freshTable>> | null = null
  let container: Container | null = null

  beforeAll(async () => {
    const { dir } = await installExample('lambda', work)
    await buildExample(dir)
    writeFileSync(join(dir, 'driver.mjs'), DRIVER)
    table = await freshTable('example-lambda')
    container = new Container(dir, {
      SESSION_TABLE: table.tableName,
      SESSION_SECRET: SECRET,
      DYNAMODB_ENDPOINT: endpoint(),
      TRUST_PROXY: 'true',
    })
  }, 400_000)

  afterAll(async () => {
    container?.stop()
    await table?.drop()
    rmSync(work, { recursive: true, force: true })
  })

  /** One browser through one integration: counts, logs in with a new id, counts on. */
  async function story(event: (r: Request) => object, cookieName: string, secure: boolean) {
    let cookie: string | null = null
    const send = async (method: Request['method'], path: string, body?: unknown) => {
      const result = await container!.invoke(event({ method, path, cookie, body }))
      const lines = setCookiesOf(result)
      const next = cookieOf(lines, cookieName)
      if (next) cookie = next
      return { status: result.statusCode, body: result.body ? JSON.parse(result.body) : null, lines }
    }
    const first = await send('GET', '/')
    expect(first).toMatchObject({ status: 200, body: { user: null, visits: 1 } })
    expect(first.lines).toHaveLength(1)
    expect(first.lines[0]!.startsWith(`${cookieName}=`)).toBe(true)
    expect(/;\s*Secure/i.test(first.lines[0]!)).toBe(secure)
    const anonymous = cookie
    expect((await send('GET', '/')).body).toEqual({ user: null, visits: 2 })
    expect((await send('POST', '/login', { user: 'ada' })).status).toBe(200)
    expect(cookie).not.toBe(anonymous)
    expect((await send('GET', '/')).body).toEqual({ user: 'ada', visits: 3 })
    expect((await send('POST', '/logout', {})).status).toBe(204)
  }

  it('serves an API Gateway REST API (payload 1.0) over HTTPS', async () => {
    await story(restEvent, '__Host-sid', true)
  }, 60_000)

  it('serves an API Gateway HTTP API (payload 2.0) over HTTPS, cookies in `cookies`', async () => {
    await story(httpApiEvent, '__Host-sid', true)
  }, 60_000)

  it('serves an ALB with an HTTP listener and multi-value headers: a plain cookie without Secure', async () => {
    await story((r) => albEvent(r, true), 'sid', false)
  }, 60_000)

  it('serves an ALB target group without multi-value headers: the one cookie goes in `headers`', async () => {
    await story((r) => albEvent(r, false), 'sid', false)
  }, 60_000)
})
