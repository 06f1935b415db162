import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { MemorySessionRepository } from '../../src/adapters/memory-session-repository.js'
import type { SessionRepository } from '../../src/domain/session-repository.js'
import { sessionErrorResponse } from '../../src/http/session-errors.js'
import { sessionMiddleware, type SessionEnv } from '../../src/http/session-middleware.js'
import { SESSION_DEFAULTS } from '../../src/http/session-options.js'
import { testApp } from '../support/app.js'
import { CookieJar, cookieClient } from '../support/cookie-jar.js'
import { CountingRepository } from '../../src/testing/counting-repository.js'
import { SECRET } from '../support/secrets.js'
import { expectedKeyFor, idOf } from './cookies.js'
import { describeEachStore } from '../support/stores.js'

/** A test-only app whose routes write whatever the request body says into the session. */
function storageApp(repository: SessionRepository, maxBytes?: number) {
  const app = new Hono<SessionEnv>()
  app.use(sessionMiddleware({ repository, secret: SECRET, ...(maxBytes ? { maxBytes } : {}) }))
  app.put('/data/:key', async (c) => {
    c.var.session.set(c.req.param('key'), await c.req.text())
    return c.text('saved')
  })
  app.get('/data', async (c) => c.json(await c.var.session.all()))
  app.onError((error, c) => sessionErrorResponse(error, c) ?? c.text('unexpected', 500))
  const { jar, request } = cookieClient((url, init) => app.request(url, init), new CookieJar(), 'http://localhost')
  return { jar, request, put: (key: string, value: string) => request(`/data/${key}`, { method: 'PUT', body: value }) }
}

const now = () => Math.floor(Date.now() / 1000)

describeEachStore('session size limit', (store) => {
  it('answers 413 to a request that grows the session past maxBytes and leaves the stored session as it was', async () => {
    const { repository } = store()
    const app = storageApp(repository, 1024)
    expect((await app.put('name', 'alice')).status).toBe(200)
    const key = expectedKeyFor(idOf(app.jar.get('sid')!))
    const before = await repository.load(key, now())
    expect(before?.data).toEqual({ name: 'alice' })

    const response = await app.put('blob', 'x'.repeat(1024))
    expect(response.status).toBe(413)
    expect(await response.text()).toBe('Session data too large; nothing was saved.')
    expect(response.headers.getSetCookie()).toEqual([])
    const after = await repository.load(key, now())
    expect(after?.data).toEqual({ name: 'alice' })
    expect(after?.version).toBe(before?.version)
    expect(await (await app.request('/data')).json()).toEqual({ name: 'alice' })
  })

  it('stores a session of exactly maxBytes and refuses one byte more, counting UTF-8 bytes rather than characters', async () => {
    const { repository } = store()
    // {"a":"<n characters>"} is 8 bytes of JSON around the value.
    expect((await storageApp(repository, 1024).put('a', 'x'.repeat(1016))).status).toBe(200)
    expect((await storageApp(repository, 1024).put('a', 'x'.repeat(1017))).status).toBe(413)
    // 509 two-byte characters: 1026 bytes, though only 509 characters.
    expect((await storageApp(repository, 1024).put('a', 'é'.repeat(509))).status).toBe(413)
  })

  it('writes nothing and sets no cookie when a brand-new session is already too large', async () => {
    const counting = new CountingRepository(store().repository)
    const app = storageApp(counting, 1024)
    const response = await app.put('blob', 'x'.repeat(2000))
    expect(response.status).toBe(413)
    expect(response.headers.getSetCookie()).toEqual([])
    expect(counting.calls).toEqual([])
  })

  it('stores a session just under the default limit, which stays well below the DynamoDB 400 KB item limit', async () => {
    expect(SESSION_DEFAULTS.maxBytes).toBeLessThanOrEqual(200 * 1024)
    const { repository } = store()
    const app = storageApp(repository)
    const value = 'y'.repeat(SESSION_DEFAULTS.maxBytes - 100)
    expect((await app.put('big', value)).status).toBe(200)
    const stored = await repository.load(expectedKeyFor(idOf(app.jar.get('sid')!)), now())
    expect(stored?.data).toEqual({ big: value })
  })
})

describe('Cookie header length limit', () => {
  it('reads our cookie out of a Cookie header of exactly maxCookieHeaderLength, and answers one character more with 431, touching nothing', async () => {
    const repository = new CountingRepository(new MemorySessionRepository())
    const app = testApp({ repository, maxCookieHeaderLength: 200 })
    const alice = app.client()
    await alice.request('/private')
    // Cookies tossed in front of ours (a sibling subdomain can set them) do not hide it.
    const base = `pad=`
    const header = (length: number) => `${base}${'p'.repeat(length - base.length - alice.jar.header().length - 2)}; ${alice.jar.header()}`

    expect(await (await app.app.request('http://localhost/private', { headers: { cookie: header(200) } })).text()).toBe(
      'The /private page has been visited 2 times.',
    )
    repository.reset()
    const over = await app.app.request('http://localhost/private', { headers: { cookie: header(201) } })
    expect(over.status).toBe(431)
    expect(over.headers.getSetCookie()).toEqual([])
    expect(repository.calls).toEqual([])
    // The session was not replaced: the next normal request counts on.
    expect(await (await alice.request('/private')).text()).toBe('The /private page has been visited 3 times.')
  })

  it('answers a huge Cookie header (64 KB) with 431 and never issues a new session cookie over it', async () => {
    const { app } = testApp()
    const response = await app.request('http://localhost/private', { headers: { cookie: `sid=${'a'.repeat(65_536)}` } })
    expect(response.status).toBe(431)
    expect(response.headers.getSetCookie()).toEqual([])
  })
})
