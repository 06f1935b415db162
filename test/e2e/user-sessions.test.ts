import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cookieClient, CookieJar, type CookieClient } from '../support/cookie-jar.js'
import type { DeviceSession } from '../../src/domain/session-api.js'
import { endpoint, freshTable } from '../support/dynamodb.js'
import { dynamoDbServerEnv } from '../support/dynamodb-server.js'
import { SECRET } from '../support/secrets.js'
import { startServer, type ServerProcess } from '../support/server-process.js'
import { expectedKeyFor, idOf, signedWith } from '../security/cookies.js'
import { startDynamoDbProxy, type DynamoDbProxy } from '../reliability/support/dynamodb-proxy.js'

const COUNT = /^The \/private page has been visited (\d+) times\.$/
const json = { 'content-type': 'application/json' }

type Listed = DeviceSession

describe("a user's sessions, real server processes on DynamoDB Local: three clients as alice, one as bob", () => {
  let table: Awaited<ReturnType<typeof freshTable>>
  let proxy: DynamoDbProxy
  /** Reaches DynamoDB through the recording proxy. */
  let server: ServerProcess
  /** A second process on the same table, straight to DynamoDB Local. */
  let other: ServerProcess

  beforeAll(async () => {
    table = await freshTable('user-sessions')
    proxy = await startDynamoDbProxy(endpoint())
    ;[server, other] = await Promise.all([
      startServer(dynamoDbServerEnv(table.tableName, { DYNAMODB_ENDPOINT: proxy.endpoint })),
      startServer(dynamoDbServerEnv(table.tableName)),
    ])
  })
  afterAll(async () => {
    await Promise.all([server?.kill(), other?.kill()])
    await proxy?.close()
    await table?.drop()
  })

  const clientOn = (target: ServerProcess, jar = new CookieJar()) => cookieClient(fetch, jar, target.url)

  async function visit(client: CookieClient): Promise<number> {
    const response = await client.request('/private')
    const body = await response.text()
    expect(response.status, body).toBe(200)
    return Number(COUNT.exec(body)?.[1])
  }

  async function loggedIn(user: string, userAgent: string, target = server): Promise<CookieClient> {
    const client = clientOn(target)
    const response = await client.request('/login', { method: 'POST', headers: { ...json, 'user-agent': userAgent }, body: JSON.stringify({ user }) })
    expect(response.status, await response.text()).toBe(200)
    return client
  }

  async function list(client: CookieClient): Promise<Listed[]> {
    const response = await client.request('/sessions')
    expect(response.status).toBe(200)
    return ((await response.json()) as { sessions: Listed[] }).sessions
  }

  const currentHandle = async (client: CookieClient) => (await list(client)).find((s) => s.current)!.handle
  const revoke = (client: CookieClient, handle: string) => client.request(`/sessions/${handle}`, { method: 'DELETE', headers: json })

  it('lists, revokes one, revokes the others and logs out everywhere; bob is untouched; handles are no cookies; a visit is one call', async () => {
    const laptop = await loggedIn('alice', 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0')
    const phone = await loggedIn('alice', 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1')
    const tablet = await loggedIn('alice', 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36', other)
    const bob = await loggedIn('bob', 'curl/8.5.0')
    for (const client of [laptop, phone, tablet, bob]) expect(await visit(client)).toBe(1)
    expect(await visit(bob)).toBe(2)

    // Alice's list: 3 sessions, one current, from either process.
    const sessions = await list(laptop)
    expect(sessions).toHaveLength(3)
    expect(sessions.filter((s) => s.current)).toHaveLength(1)
    expect(sessions.find((s) => s.current)!.userAgent).toBe('Firefox on Linux')
    expect(sessions.map((s) => s.userAgent).sort()).toEqual(['Chrome on Android', 'Firefox on Linux', 'Safari on iOS'])
    expect((await list(clientOn(other, tablet.jar))).find((s) => s.current)!.userAgent).toBe('Chrome on Android')
    const now = Math.floor(Date.now() / 1000)
    for (const s of sessions) {
      expect(s.createdAt).toBeGreaterThan(now - 120)
      expect(s.lastSeenAt).toBeGreaterThanOrEqual(s.createdAt)
      expect(s.lastSeenAt).toBeLessThanOrEqual(now + 1)
    }
    expect(await list(bob)).toHaveLength(1)

    // A counting visit by a logged-in user: still exactly one DynamoDB call, an UpdateItem.
    const before = proxy.calls.length
    expect(await visit(laptop)).toBe(2)
    expect(proxy.calls.slice(before).map((c) => c.operation)).toEqual(['UpdateItem'])

    // Handles are neither ids nor storage keys, and as cookies (signed or not) they get a new session.
    const handles = sessions.map((s) => s.handle)
    const ids = [laptop, phone, tablet].map((c) => idOf(c.jar.get('sid')!))
    const stored = (await table.scan()).map((item) => item.id?.S)
    for (const handle of handles) {
      expect(ids).not.toContain(handle)
      expect(ids.map(expectedKeyFor)).not.toContain(handle)
      expect(stored).not.toContain(handle)
      for (const cookie of [`sid=${handle}`, `sid=${signedWith(SECRET, handle)}`]) {
        const stranger = clientOn(server)
        const response = await stranger.request('/private', { headers: { cookie } })
        expect(await response.text()).toBe('The /private page has been visited 1 times.')
        expect(idOf(stranger.jar.get('sid')!)).not.toBe(handle)
        expect((await stranger.request('/sessions')).status).toBe(401)
      }
    }

    // Revoking one logs that client out: its next visit counts 1. Bob's handle is not alice's to revoke.
    expect((await revoke(laptop, (await list(bob))[0]!.handle)).status).toBe(404)
    expect((await revoke(laptop, await currentHandle(phone))).status).toBe(204)
    expect((await phone.request('/sessions')).status).toBe(401)
    expect(await visit(phone)).toBe(1)
    expect(await list(laptop)).toHaveLength(2)

    // Revoke-others leaves only the current session.
    const phoneAgain = await loggedIn('alice', 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Version/17.5 Safari/604.1')
    expect(await list(laptop)).toHaveLength(3)
    expect((await laptop.request('/sessions/revoke-others', { method: 'POST', headers: json })).status).toBe(204)
    expect((await list(laptop)).map((s) => s.current)).toEqual([true])
    expect(await visit(tablet)).toBe(1)
    expect(await visit(phoneAgain)).toBe(1)
    expect(await visit(laptop)).toBe(3)

    // Log out everywhere ends all of alice's sessions, including logins that finished just before,
    // on the other process and racing each other.
    const lastMoment = await Promise.all(
      Array.from({ length: 4 }, (_, i) => loggedIn('alice', `Mozilla/5.0 (Windows NT 10.0) Firefox/12${i}.0`, other)),
    )
    for (const client of lastMoment) expect(await visit(client)).toBe(1)
    const everywhere = await laptop.request('/logout', { method: 'POST', headers: json, body: JSON.stringify({ everywhere: true }) })
    expect(everywhere.status).toBe(204)
    expect(everywhere.headers.getSetCookie().join()).toMatch(/Max-Age=0/i)
    for (const client of lastMoment) {
      expect((await client.request('/sessions')).status).toBe(401)
      expect(await visit(client)).toBe(1)
    }
    expect(await visit(laptop)).toBe(1)
    // Nothing of alice's is left bound: a new login lists only itself.
    expect(await list(await loggedIn('alice', 'curl/8.5.0'))).toHaveLength(1)

    // Bob was never touched.
    expect(await visit(bob)).toBe(3)
    expect((await list(bob)).map((s) => s.userAgent)).toEqual(['curl'])
  })
})
