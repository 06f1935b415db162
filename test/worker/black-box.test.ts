// The black-box checks `npm start` passes, on workerd: cookie attributes, signatures
// made with Web Crypto that Node's crypto verifies, tampering, expiry and the
// DynamoDB calls each visit costs, counted on the wire by a proxy.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cookieAttributes, cookieClient, CookieJar } from '../support/cookie-jar.js'
import { endpoint, freshTable } from '../support/dynamodb.js'
import { dynamoDbServerEnv } from '../support/dynamodb-server.js'
import { OTHER_SECRET, SECRET } from '../support/secrets.js'
import type { ServerProcess } from '../support/server-process.js'
import { startDynamoDbProxy, type DynamoDbProxy } from '../reliability/support/dynamodb-proxy.js'
import { expectedKeyFor, idOf, isValidlySigned, signedWith } from '../security/cookies.js'
import { startWorker } from './worker-server.js'

const MAX_AGE_SECONDS = 3600
const SHORT_TTL_SECONDS = 2

describe('the Worker on workerd, seen from outside', () => {
  let table: Awaited<ReturnType<typeof freshTable>>
  let proxy: DynamoDbProxy
  let worker: ServerProcess
  let shortLived: ServerProcess

  beforeAll(async () => {
    table = await freshTable('worker-black-box')
    proxy = await startDynamoDbProxy(endpoint())
    const env = dynamoDbServerEnv(table.tableName)
    ;[worker, shortLived] = await Promise.all([
      startWorker({ ...env, DYNAMODB_ENDPOINT: proxy.endpoint, SESSION_MAX_AGE_SECONDS: String(MAX_AGE_SECONDS) }),
      startWorker({ ...env, DYNAMODB_ENDPOINT: endpoint(), SESSION_TTL_SECONDS: String(SHORT_TTL_SECONDS) }),
    ])
  })
  afterAll(async () => {
    await Promise.all([worker?.kill(), shortLived?.kill()])
    await proxy?.close()
    await table?.drop()
  })

  const visitor = (server = worker) => cookieClient(fetch, new CookieJar(), server.url)
  const text = async (response: Response | Promise<Response>) => (await response).text()

  /** The operations one request sends to DynamoDB, by name. */
  async function callsOf(request: () => Promise<Response>) {
    const from = proxy.calls.length
    const response = await request()
    const body = await response.text()
    const calls: Record<string, number> = {}
    for (const call of proxy.calls.slice(from)) calls[call.operation] = (calls[call.operation] ?? 0) + 1
    return { response, body, calls }
  }

  it('sets the session cookie with HttpOnly, SameSite=Lax, Path=/, the configured Max-Age and no Domain; signed as Node signs it', async () => {
    const response = await fetch(`${worker.url}/private`)
    const lines = response.headers.getSetCookie()
    expect(lines).toHaveLength(1)
    const cookie = cookieAttributes(lines[0]!)
    expect(cookie.name).toBe('sid')
    expect(cookie.attributes.has('httponly')).toBe(true)
    expect(cookie.attributes.get('samesite')).toBe('Lax')
    expect(cookie.attributes.get('path')).toBe('/')
    expect(cookie.attributes.get('max-age')).toBe(String(MAX_AGE_SECONDS))
    expect(cookie.attributes.has('domain')).toBe(false)
    expect(cookie.attributes.has('secure')).toBe(false) // plain http on 127.0.0.1
    expect(response.headers.get('cache-control')).toContain('no-store')
    // HMAC-SHA256 by Web Crypto in workerd, checked with node:crypto; the item is stored under SHA-256 of the id.
    expect(isValidlySigned(cookie.value, [SECRET])).toBe(true)
    const keys = (await table.scan()).map((item) => item.id?.S)
    expect(keys).toContain(expectedKeyFor(idOf(cookie.value)))
    expect(keys).not.toContain(idOf(cookie.value))
  })

  it.each([
    // A character inside the signature: the last one also carries padding bits a decoder may ignore.
    ['a changed signature', (value: string) => value.slice(0, -10) + (value.at(-10) === 'A' ? 'B' : 'A') + value.slice(-9)],
    ['a changed id', (value: string) => (value.startsWith('A') ? 'B' : 'A') + value.slice(1)],
    ['a cookie signed with another secret', (value: string) => signedWith(OTHER_SECRET, idOf(value))],
    ['a bare id without signature', (value: string) => idOf(value)],
  ])('answers %s with a new session at 1, and leaves the real session untouched', async (_, tamper) => {
    const alice = visitor()
    await alice.request('/private')
    expect(await text(alice.request('/private'))).toBe('The /private page has been visited 2 times.')
    const genuine = alice.jar.get('sid')!

    const forged = await fetch(`${worker.url}/private`, { headers: { cookie: `sid=${tamper(genuine)}` } })
    expect(await forged.text()).toBe('The /private page has been visited 1 times.')
    const fresh = cookieAttributes(forged.headers.getSetCookie()[0]!)
    expect(idOf(fresh.value)).not.toBe(idOf(genuine))
    expect(isValidlySigned(fresh.value, [SECRET])).toBe(true)

    expect(await text(alice.request('/private'))).toBe('The /private page has been visited 3 times.')
  })

  it('costs one PutItem for a new session, one UpdateItem per returning visit, one GetItem for a read, nothing for /healthz', async () => {
    const alice = visitor()
    expect((await callsOf(() => alice.request('/private'))).calls).toEqual({ PutItem: 1 })
    for (const n of [2, 3]) {
      const visit = await callsOf(() => alice.request('/private'))
      expect(visit.body).toBe(`The /private page has been visited ${n} times.`)
      expect(visit.calls).toEqual({ UpdateItem: 1 })
    }
    const read = await callsOf(() => alice.request('/'))
    expect(read.body).toContain('Visits to /private in this session: 3<')
    expect(read.calls).toEqual({ GetItem: 1 })
    expect((await callsOf(() => alice.request('/healthz'))).calls).toEqual({})
  })

  it(`forgets a session idle for longer than SESSION_TTL_SECONDS (${SHORT_TTL_SECONDS} s): the next visit counts 1 again`, async () => {
    const alice = visitor(shortLived)
    expect(await text(alice.request('/private'))).toBe('The /private page has been visited 1 times.')
    expect(await text(alice.request('/private'))).toBe('The /private page has been visited 2 times.')
    const before = alice.jar.get('sid')!
    await new Promise((resolve) => setTimeout(resolve, SHORT_TTL_SECONDS * 1000 + 1200))
    expect(await text(alice.request('/private'))).toBe('The /private page has been visited 1 times.')
    expect(idOf(alice.jar.get('sid')!)).not.toBe(idOf(before))
  })
})
