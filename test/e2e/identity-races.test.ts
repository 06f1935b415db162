import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { storageKeyFor } from '../../src/domain/session-id.js'
import { cookieClient, CookieJar, type CookieClient } from '../support/cookie-jar.js'
import { freshTable } from '../support/dynamodb.js'
import { dynamoDbServerEnv } from '../support/dynamodb-server.js'
import { startServer, type ServerProcess } from '../support/server-process.js'

const COUNT = /^The \/private page has been visited (\d+) times\.$/
const json = { 'content-type': 'application/json' }

interface Answer {
  readonly status: number
  readonly count: number | null
}

async function visit(client: CookieClient, cookie?: string): Promise<Answer> {
  const response = await client.request('/private', cookie ? { headers: { cookie } } : {})
  const body = await response.text()
  expect([200, 409], body).toContain(response.status)
  return { status: response.status, count: response.status === 200 ? Number(COUNT.exec(body)?.[1]) : null }
}

const idIn = (cookie: string) => cookie.slice(cookie.indexOf('=') + 1).split('.')[0]!

describe('identity changes racing visits, real server on DynamoDB Local', () => {
  let table: Awaited<ReturnType<typeof freshTable>>
  let server: ServerProcess
  let renewing: ServerProcess
  const env = () => dynamoDbServerEnv(table.tableName)

  beforeAll(async () => {
    table = await freshTable('identity')
    ;[server, renewing] = await Promise.all([
      startServer({ ...env(), SESSION_RENEW_SECONDS: '0' }),
      startServer({ ...env(), SESSION_RENEW_SECONDS: '2', SESSION_RENEW_GRACE_SECONDS: '3' }),
    ])
  })
  afterAll(async () => {
    await Promise.all([server?.kill(), renewing?.kill()])
    await table?.drop()
  })

  const browserOn = (target: ServerProcess) => cookieClient(fetch, new CookieJar(), target.url)

  it('login racing 6 visits, 5 times: no acknowledged visit lost, none counted twice, and the browser ends logged in', async () => {
    for (let trial = 0; trial < 5; trial++) {
      const browser = browserOn(server)
      expect((await visit(browser)).count).toBe(1)
      const before = browser.jar.get('sid')!
      const [login, ...visits] = await Promise.all([
        browser.request('/login', { method: 'POST', headers: json, body: JSON.stringify({ user: `alice-${trial}` }) }),
        ...Array.from({ length: 6 }, () => visit(browser)),
      ])
      expect(login.status).toBe(200)
      const acknowledged = visits.filter((v) => v.status === 200)
      // No two acknowledged visits saw the same count.
      expect(new Set(acknowledged.map((v) => v.count)).size).toBe(acknowledged.length)
      expect(idIn(browser.jar.get('sid')!)).not.toBe(idIn(before))
      const home = await (await browser.request('/')).text()
      expect(home).toContain(`Logged in as <strong>alice-${trial}</strong>`)
      // Every acknowledged visit is in the logged-in session, once: the next visit counts on from them.
      expect((await visit(browser)).count).toBe(1 + acknowledged.length + 1)
    }
  })

  it('logout racing visits resurrects nothing: the old session is never written again', async () => {
    const browser = browserOn(server)
    await visit(browser)
    await browser.request('/login', { method: 'POST', headers: json, body: JSON.stringify({ user: 'bob' }) })
    const cookie = browser.jar.header()
    const key = await storageKeyFor(idIn(browser.jar.get('sid')!))
    const [logout, ...visits] = await Promise.all([
      browser.request('/logout', { method: 'POST', headers: json }),
      ...Array.from({ length: 6 }, () => visit(cookieClient(fetch, new CookieJar(), server.url), cookie)),
    ])
    expect(logout.status).toBe(204)
    // After logout answered, more visits with the old cookie.
    const late = await Promise.all(Array.from({ length: 4 }, () => visit(cookieClient(fetch, new CookieJar(), server.url), cookie)))
    expect(late.map((v) => v.count)).toEqual([1, 1, 1, 1])
    const items = await table.scan()
    expect(items.some((item) => item.id?.S === key)).toBe(false)
    // Whatever the racing visits created is a fresh session: no user, no carried count.
    for (const item of items.filter((i) => JSON.stringify(i).includes('bob'))) expect(item.id?.S).not.toBe(key)
    expect(visits.every((v) => v.status === 200)).toBe(true)
  })

  it('renewal every 2 s with a 3 s grace under parallel visits: nothing lost, the id changes, the old id works within the grace only', async () => {
    const browser = browserOn(renewing)
    expect((await visit(browser)).count).toBe(1)
    const first = browser.jar.get('sid')!
    const seen = new Set([idIn(first)])
    let acknowledged = 1
    const deadline = Date.now() + 7000
    while (Date.now() < deadline) {
      const answers = await Promise.all(Array.from({ length: 4 }, () => visit(browser)))
      for (const a of answers) expect(a.status).toBe(200)
      acknowledged += answers.length
      seen.add(idIn(browser.jar.get('sid')!))
      await new Promise((resolve) => setTimeout(resolve, 150))
    }
    expect(seen.size).toBeGreaterThanOrEqual(3)
    expect((await visit(browser)).count).toBe(acknowledged + 1)

    // Right after a renewal, the previous id is forwarded to the renewed session.
    await new Promise((resolve) => setTimeout(resolve, 2100))
    const previous = browser.jar.header()
    const renewed = await visit(browser)
    expect(renewed.count).toBe(acknowledged + 2)
    expect(browser.jar.header()).not.toBe(previous)
    const straggler = cookieClient(fetch, new CookieJar(), renewing.url)
    expect((await visit(straggler, previous)).count).toBe(acknowledged + 3)
    // Long after, the first id gives a fresh session.
    expect((await visit(cookieClient(fetch, new CookieJar(), renewing.url), first.startsWith('sid=') ? first : `sid=${first}`)).count).toBe(1)

    // The table holds no id a cookie could carry: only hashes, and sealed pointers.
    const everything = JSON.stringify(await table.scan())
    for (const id of seen) expect(everything).not.toContain(id)
  })
})
