import { Hono } from 'hono'
import { expect, it } from 'vitest'
import { storageKeyFor } from '../../src/domain/session-id.js'
import { sessionErrorResponse } from '../../src/http/session-errors.js'
import { sessionMiddleware, type SessionEnv } from '../../src/http/session-middleware.js'
import { cookieClient, CookieJar } from '../support/cookie-jar.js'
import { SECRET } from '../support/secrets.js'
import { describeEachStore, type StoreFixture } from '../support/stores.js'
import { idOf } from '../security/cookies.js'

/** Lets `count` handlers reach the same point before any goes on: their reads all happen before any write. */
function barrier(count: number) {
  let arrived = 0
  let open!: () => void
  const opened = new Promise<void>((resolve) => (open = resolve))
  return () => {
    if (++arrived >= count) open()
    return opened
  }
}

/** A small app over the library alone, with write routes the demo does not have. */
function writeApp(store: StoreFixture) {
  let wait: () => Promise<void> = async () => {}
  const app = new Hono<SessionEnv>()
  app.use(sessionMiddleware({ repository: store.repository, secret: SECRET }))
  app.onError((error, c) => sessionErrorResponse(error, c) ?? c.text('unexpected', 500))
  app.get('/start', async (c) => c.text(String(await c.var.session.increment('views'))))
  // Reads the whole session, then sets its own key: a different key per request.
  app.post('/own/:key', async (c) => {
    await c.var.session.all()
    await wait()
    c.var.session.set(c.req.param('key'), c.req.param('key').toUpperCase())
    return c.text('ok')
  })
  // Counts a visit, then rewrites the key it read: a read-modify-write.
  app.post('/claim/:who', async (c) => {
    const shared = await c.var.session.get<string>('shared')
    await wait()
    const views = await c.var.session.increment('views')
    c.var.session.set('shared', `${shared}>${c.req.param('who')}`)
    return c.text(String(views))
  })
  app.post('/many/:n', async (c) => {
    await c.var.session.all()
    for (let i = 0; i < Number(c.req.param('n')); i++) c.var.session.set(`field-${i}`, i)
    return c.text('ok')
  })
  app.post('/value', async (c) => {
    c.var.session.set('value', await c.req.json())
    return c.text('ok')
  })
  app.get('/all', async (c) => c.json(await c.var.session.all()))
  return { app, gate: (count: number) => (wait = barrier(count)) }
}

describeEachStore('write paths under parallel requests on one session', (store) => {
  async function started() {
    const { app, gate } = writeApp(store())
    const client = cookieClient((url, init) => app.request(url, init), new CookieJar(), 'http://localhost')
    expect(await (await client.request('/start')).text()).toBe('1')
    const stored = async () => (await store().repository.load(await storageKeyFor(idOf(client.jar.get('sid')!)), Math.floor(Date.now() / 1000)))!.data
    return { client, gate, stored }
  }

  it('12 parallel writers to different keys, each after reading everything: 20 trials, no conflict, nothing lost', async () => {
    let conflicts = 0
    for (let trial = 0; trial < 20; trial++) {
      const { client, gate, stored } = await started()
      gate(12)
      const keys = Array.from({ length: 12 }, (_, i) => `k${i}`)
      const statuses = await Promise.all(keys.map(async (key) => (await client.request(`/own/${key}`, { method: 'POST' })).status))
      conflicts += statuses.filter((s) => s === 409).length
      expect(statuses).toEqual(Array(12).fill(200))
      expect(await stored()).toEqual({ views: 1, ...Object.fromEntries(keys.map((k) => [k, k.toUpperCase()])) })
    }
    expect(conflicts).toBe(0)
  })

  it('read-modify-writes of one key: one wins, the others get 409 and saved nothing, their increments taken back', async () => {
    const { client, gate, stored } = await started()
    gate(6)
    const answers = await Promise.all(
      Array.from({ length: 6 }, async (_, i) => {
        const response = await client.request(`/claim/w${i}`, { method: 'POST' })
        return { who: `w${i}`, status: response.status, body: await response.text() }
      }),
    )
    const won = answers.filter((a) => a.status === 200)
    expect(won).toHaveLength(1)
    expect(answers.filter((a) => a.status === 409)).toHaveLength(5)
    const data = await stored()
    // What was acknowledged is stored, once; what was refused left nothing behind.
    expect(data).toEqual({ views: 2, shared: `undefined>${won[0]!.who}` })
  })

  it('300 keys in one request are saved', async () => {
    const { client, stored } = await started()
    expect((await client.request('/many/300', { method: 'POST' })).status).toBe(200)
    const data = await stored()
    expect(Object.keys(data)).toHaveLength(301)
    expect(data['field-299']).toBe(299)
  })

  it.each([
    ['{"n":1e300}', 'a number DynamoDB cannot hold'],
    ['{"n":5e-324}', 'a number DynamoDB cannot hold'],
    [`${'['.repeat(40)}${']'.repeat(40)}`, 'nesting past the limit'],
    ['{"__proto__":{"admin":true}}', 'a prototype key'],
  ])('%s (%s) gets a 400 and changes nothing', async (body) => {
    const { client, stored } = await started()
    const response = await client.request('/value', { method: 'POST', body, headers: { 'content-type': 'application/json' } })
    expect(response.status).toBe(400)
    expect(await response.text()).toMatch(/^Session data refused: .*nothing was saved\.$/)
    expect(await stored()).toEqual({ views: 1 })
  })

  it('a response whose body came from the session is private, no-store and varies on Cookie', async () => {
    const { client } = await started()
    const response = await client.request('/all')
    expect(response.headers.getSetCookie()).toEqual([])
    expect(response.headers.get('cache-control')).toBe('private, no-store')
    expect(response.headers.get('vary')).toMatch(/\bCookie\b/)
  })
})
