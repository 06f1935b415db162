import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { endpoint, testClient, uniqueTableName } from '../support/dynamodb.js'
import { cookieClient } from '../support/cookie-jar.js'
import { SECRET } from '../support/secrets.js'
import { startServer, type ServerProcess } from '../support/server-process.js'
import { sessionIdIn, storedViews } from './support/stored-session.js'

describe('two server processes on one table', () => {
  const table = uniqueTableName('instances')
  const env = {
    SESSION_STORE: 'dynamodb',
    DYNAMODB_ENDPOINT: endpoint(),
    SESSION_TABLE: table,
    SESSION_SECRET: SECRET,
    DYNAMODB_TIMEOUT_MS: '10000',
  }
  const client = testClient()
  let a: ServerProcess
  let b: ServerProcess
  beforeAll(async () => {
    // Started together: both find the table missing, and the one that loses the race to create it must wait, not fail.
    ;[a, b] = await Promise.all([startServer(env), startServer(env)])
  })
  afterAll(async () => {
    await Promise.all([a?.kill(), b?.kill()])
    client.destroy()
  })

  it('serve one session and one counter when requests alternate between them', async () => {
    const visitor = cookieClient(fetch)
    const counts: number[] = []
    for (let i = 0; i < 12; i++) {
      const server = i % 2 === 0 ? a : b
      const response = await visitor.request(`${server.url}/private`)
      expect(response.status).toBe(200)
      counts.push(Number(/visited (\d+) times/.exec(await response.text())?.[1]))
      // The cookie is set once, on the first visit, and kept from then on.
      if (i === 0) expect(response.headers.get('set-cookie')).toMatch(/^sid=/)
    }
    expect(counts).toEqual(Array.from({ length: 12 }, (_, i) => i + 1))
    expect(await storedViews(client, table, visitor.jar)).toBe(12)
  })

  it('count every one of many parallel visits to one session split across both instances', async () => {
    const visitor = cookieClient(fetch)
    expect((await visitor.request(`${a.url}/private`)).status).toBe(200)
    const cookie = visitor.jar.header()
    const answers = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const response = await fetch(`${(i % 2 === 0 ? a : b).url}/private`, { headers: { cookie } })
        return { status: response.status, count: Number(/visited (\d+) times/.exec(await response.text())?.[1]) }
      }),
    )
    expect(answers.map((x) => x.status)).toEqual(answers.map(() => 200))
    // Atomic increments: each visit saw a different total, and none was lost.
    expect(answers.map((x) => x.count).sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i + 2))
    expect(await storedViews(client, table, visitor.jar)).toBe(21)
  })

  it('read on one instance a session that a login created on the other', async () => {
    const visitor = cookieClient(fetch)
    await visitor.request(`${b.url}/private`)
    const before = sessionIdIn(visitor.jar)
    const login = await visitor.request(`${b.url}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: 'alice' }),
    })
    expect(login.status).toBe(200)
    // Login moved the session to a new id, created by instance b.
    expect(sessionIdIn(visitor.jar)).not.toBe(before)

    const page = await (await visitor.request(`${a.url}/`)).text()
    expect(page).toContain('Logged in as <strong>alice</strong>')
    expect(page).toContain('Visits to /private in this session: 1')
    const next = await visitor.request(`${a.url}/private`)
    expect(await next.text()).toBe('The /private page has been visited 2 times.')
  })
})
