import { createHmac, randomUUID } from 'node:crypto'
import { DeleteTableCommand, PutItemCommand } from '@aws-sdk/client-dynamodb'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLambdaHandler } from '../../src/server/lambda.js'
import { CookieJar, cookieAttributes } from '../support/cookie-jar.js'
import { endpoint, testClient, uniqueTableName } from '../support/dynamodb.js'
import { answerOf, browserBase, eventFor, type Answer, type CraftedRequest, type Integration, type IntegrationSetup } from './crafted-events.js'

import { SECRET } from '../support/secrets.js'
const EXPRESS_SECRET = 'the-old-express-session-secret'
const tableName = uniqueTableName('lambda-integrations')
const client = testClient()

type Handler = ReturnType<typeof createLambdaHandler>

// One container for every integration: the same function can sit behind all of them at once.
let handler: Handler
beforeAll(() => {
  handler = createLambdaHandler({
    SESSION_STORE: 'dynamodb',
    DYNAMODB_ENDPOINT: endpoint(),
    AWS_REGION: 'us-east-1',
    SESSION_TABLE: tableName,
    SESSION_SECRET: SECRET,
    LEGACY_SESSION_SECRET: EXPRESS_SECRET,
    LOG_LEVEL: 'silent',
    // A busy test machine can make DynamoDB Local slower than production's 2 s deadline.
    DYNAMODB_TIMEOUT_MS: '15000',
  })
})
afterAll(async () => {
  await client.send(new DeleteTableCommand({ TableName: tableName })).catch(() => {})
  client.destroy()
})

/** A browser behind one integration: keeps cookies, reads answers the way the integration turns results into HTTP. */
function browser(integration: Integration, setup: IntegrationSetup) {
  const jar = new CookieJar()
  return {
    jar,
    async send(request: CraftedRequest): Promise<Answer> {
      const cookies = jar.header() ? jar.header().split('; ') : []
      const result = await handler(eventFor(integration, { ...request, cookies: [...cookies, ...(request.cookies ?? [])] }, setup))
      const answer = answerOf(integration, result as Parameters<typeof answerOf>[1])
      const headers = new Headers()
      for (const line of answer.setCookies) headers.append('set-cookie', line)
      jar.take(new Response(null, { headers }))
      return answer
    },
  }
}

/** An express-session cookie (cookie-signature: `s:` + id + `.` + unpadded base64 HMAC-SHA256) and connect-dynamodb's item for it. */
async function expressSession(views: number): Promise<string> {
  const id = randomUUID()
  const signature = createHmac('sha256', EXPRESS_SECRET).update(id).digest('base64').replace(/=+$/, '')
  const expires = Math.floor(Date.now() / 1000) + 3600
  await client.send(
    new PutItemCommand({
      TableName: tableName,
      Item: {
        id: { S: `sess:${id}` },
        expires: { N: String(expires) },
        type: { S: 'connect-session' },
        sess: { S: JSON.stringify({ cookie: { originalMaxAge: 3_600_000, httpOnly: true, path: '/' }, views }) },
      },
    }),
  )
  return `connect.sid=${encodeURIComponent(`s:${id}.${signature}`)}`
}

const INTEGRATIONS: [string, Integration, IntegrationSetup][] = [
  ['HTTP API, $default stage', 'http-api', {}],
  ['HTTP API, stage "prod"', 'http-api', { stage: 'prod' }],
  ['REST API, stage "prod"', 'rest-api', { stage: 'prod' }],
  ['function URL', 'function-url', {}],
  ['ALB, HTTPS listener', 'alb', { listener: 'https' }],
  ['ALB, HTTP listener', 'alb', { listener: 'http' }],
  ['ALB with multi-value headers, HTTP listener', 'alb-multi-value', { listener: 'http' }],
]

describe.each(INTEGRATIONS)('Lambda behind %s (crafted events, DynamoDB Local)', (_, integration, setup) => {
  const base = browserBase(integration, setup)
  const { origin, pathname } = new URL(base)
  const prefix = pathname === '/' ? '' : pathname
  const https = origin.startsWith('https:')

  it(`counts 1 then 2 through the cookie, which is ${https ? '__Host-sid with Secure' : 'sid without Secure (plain http)'}`, async () => {
    const visitor = browser(integration, setup)
    const first = await visitor.send({ path: '/private' })
    expect(first.status).toBe(200)
    expect(first.body).toBe('The /private page has been visited 1 times.')
    expect(first.setCookies).toHaveLength(1)
    const cookie = cookieAttributes(first.setCookies[0]!)
    expect(cookie.name).toBe(https ? '__Host-sid' : 'sid')
    expect(cookie.attributes.has('secure')).toBe(https)
    expect(cookie.attributes.has('httponly')).toBe(true)
    expect((await visitor.send({ path: '/private' })).body).toBe('The /private page has been visited 2 times.')
  })

  it(`accepts a form login from the page's own origin (${origin}) and redirects to ${prefix}/, whose links carry the prefix`, async () => {
    const visitor = browser(integration, setup)
    const login = await visitor.send({
      method: 'POST',
      path: '/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin },
      body: 'user=alice',
    })
    expect(login.status, login.body).toBe(303)
    expect(login.headers.location).toBe(`${prefix}/`)
    expect(login.setCookies).toHaveLength(1)

    const home = await visitor.send({ path: '/' })
    expect(home.status).toBe(200)
    expect(home.body).toContain('Logged in as <strong>alice</strong>')
    expect(home.body).toContain(`href="${prefix}/private"`)
    expect(home.body).toContain(`action="${prefix}/login"`)
    expect(home.body).toContain(`action="${prefix}/logout"`)

    const logout = await visitor.send({ method: 'POST', path: '/logout', headers: { 'content-type': 'application/x-www-form-urlencoded', origin }, body: '' })
    expect(logout.status).toBe(303)
    expect(logout.headers.location).toBe(`${prefix}/`)
  })

  it(
    integration === 'alb'
      ? 'moves an express-session visitor: one Set-Cookie only, and it is the new session cookie that wins'
      : 'moves an express-session visitor: both Set-Cookie headers (connect.sid expired, the new session) arrive',
    async () => {
      const visitor = browser(integration, setup)
      const legacy = await expressSession(5)
      const moved = await visitor.send({ path: '/private', cookies: [legacy] })
      expect(moved.status).toBe(200)
      expect(moved.body).toBe('The /private page has been visited 6 times.')
      const names = moved.setCookies.map((line) => cookieAttributes(line).name)
      const session = https ? '__Host-sid' : 'sid'
      if (integration === 'alb') {
        expect(names).toEqual([session])
      } else {
        expect(names.sort()).toEqual(['connect.sid', session].sort())
        const expired = moved.setCookies.find((line) => line.startsWith('connect.sid='))!
        expect(cookieAttributes(expired).attributes.get('max-age')).toBe('0')
      }
      // The old cookie (still sent where it could not be expired) no longer matters: the new session carries on.
      const next = await visitor.send({ path: '/private', cookies: integration === 'alb' ? [legacy] : [] })
      expect(next.body).toBe('The /private page has been visited 7 times.')
    },
  )

  it('answers HEAD /private without counting', async () => {
    const visitor = browser(integration, setup)
    await visitor.send({ path: '/private' })
    const head = await visitor.send({ method: 'HEAD', path: '/private' })
    expect(head.status).toBe(200)
    expect(head.setCookies).toEqual([])
    expect((await visitor.send({ path: '/private' })).body).toBe('The /private page has been visited 2 times.')
  })
})

describe('Lambda behind a REST API, with a crafted requestContext.path', () => {
  it('never puts a path that is not one safe segment into Location or the page links', async () => {
    const integration: Integration = 'rest-api'
    const { origin } = new URL(browserBase(integration))
    const jar = new CookieJar()
    const send = async (request: CraftedRequest) => {
      const event = eventFor(integration, { ...request, cookies: jar.header() ? jar.header().split('; ') : [] }) as { requestContext: { path: string } }
      // What the browser asked for, as the event reports it: `//evil.test` in front of the route.
      event.requestContext.path = `//evil.test${request.path}`
      const answer = answerOf(integration, (await handler(event as never)) as Parameters<typeof answerOf>[1])
      const headers = new Headers()
      for (const line of answer.setCookies) headers.append('set-cookie', line)
      jar.take(new Response(null, { headers }))
      return answer
    }
    const login = await send({ method: 'POST', path: '/login', headers: { 'content-type': 'application/x-www-form-urlencoded', origin }, body: 'user=alice' })
    expect(login.status, login.body).toBe(303)
    expect(login.headers.location).toBe('/')
    const home = await send({ path: '/' })
    expect(home.body).toContain('Logged in as <strong>alice</strong>')
    expect(home.body).toContain('href="/private"')
    expect(home.body).not.toContain('evil.test')
  })
})
