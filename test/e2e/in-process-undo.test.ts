import { Hono } from 'hono'
import { expect, it } from 'vitest'
import { SessionRetiredError } from '../../src/domain/errors.js'
import { RequestSession } from '../../src/domain/request-session.js'
import type { SessionPolicy } from '../../src/domain/session.js'
import { storageKeyFor } from '../../src/domain/session-id.js'
import type { SessionRepository } from '../../src/domain/session-repository.js'
import { sessionErrorResponse } from '../../src/http/session-errors.js'
import { sessionMiddleware, type SessionEnv } from '../../src/http/session-middleware.js'
import { CookieJar, cookieClient } from '../support/cookie-jar.js'
import { CountingRepository } from '../../src/testing/counting-repository.js'
import { SECRET } from '../support/secrets.js'
import { describeEachStore } from '../support/stores.js'

// Issue 20, "A handler that calls increment() and then throws gets a 500, but the
// increment stays, on both stores", in process (the demo has no throwing route): a
// Hono app with the session middleware, on the memory store and on DynamoDB Local.
// Then the two crossings of a login and a renewal that the two-process login race
// (refused-visits.test.ts) found, made deterministic with the request unit itself.

const RENEW_SECONDS = 60

function appOn(repository: SessionRepository, clock: () => number) {
  const app = new Hono<SessionEnv>()
  app.use(sessionMiddleware({ repository, secret: SECRET, renewSeconds: RENEW_SECONDS, clock }))
  app.get('/count', async (c) => c.text(String(await c.var.session.increment('views'))))
  app.get('/count-then-throw', async (c) => {
    await c.var.session.increment('views')
    await c.var.session.increment('other', 5)
    throw new Error('the handler failed after counting')
  })
  app.onError((error, c) => sessionErrorResponse(error, c) ?? c.text('Internal Server Error', 500))
  return app
}

const NOW = Math.floor(Date.now() / 1000)
const RENEWING: SessionPolicy = { ttlSeconds: 3600, maxAgeSeconds: 86_400, refreshThreshold: 0.5, maxBytes: 100_000, renewSeconds: 1, renewGraceSeconds: 30 }

/** One request's work on `repository` at `at` with the cookie `id`, committed; the id the client ends with. */
async function request(repository: SessionRepository, id: string | null, at: number, work: (u: RequestSession) => Promise<unknown>): Promise<string | null> {
  const unit = new RequestSession(repository, RENEWING, () => at, id, { device: () => 'Firefox on Linux' })
  await work(unit)
  const { identity } = await unit.commit()
  return identity.kind === 'issued' ? identity.id : identity.kind === 'ended' ? null : id
}

describeEachStore('a failed request keeps nothing of its own (in process)', (store) => {
  it('a handler that increments twice and then throws gets a 500 and leaves the stored session as it was, renewal due or not', async () => {
    let clock = Date.now()
    const app = appOn(store().repository, () => clock)
    const browser = cookieClient((url, init) => app.request(url, init), new CookieJar(), 'http://localhost')
    expect(await (await browser.request('/count')).text()).toBe('1')
    expect(await (await browser.request('/count')).text()).toBe('2')
    const id = browser.jar.get('sid')!.split('.')[0]!
    const key = await storageKeyFor(id)

    const failed = await browser.request('/count-then-throw')
    expect(failed.status).toBe(500)
    expect(failed.headers.getSetCookie()).toEqual([])
    expect((await store().repository.load(key, Math.floor(clock / 1000)))!.data).toEqual({ views: 2 })

    // With the id due for renewal: still nothing kept, and no renewal either.
    clock += (RENEW_SECONDS + 1) * 1000
    const dueFailed = await browser.request('/count-then-throw')
    expect(dueFailed.status).toBe(500)
    expect(dueFailed.headers.getSetCookie()).toEqual([])
    expect((await store().repository.load(key, Math.floor(clock / 1000)))!.data).toEqual({ views: 2 })
    expect(await (await browser.request('/count')).text()).toBe('3')
    expect(browser.jar.get('sid')!.split('.')[0]).not.toBe(id)
  })

  it('a handler that increments without a session and then throws creates none', async () => {
    const counting = new CountingRepository(store().repository)
    const app = appOn(counting, Date.now)
    const failed = await app.request('http://localhost/count-then-throw')
    expect(failed.status).toBe(500)
    expect(failed.headers.getSetCookie()).toEqual([])
    // The counts waited for a save that never came: the store was not called at all.
    expect(counting.calls).toEqual([])
  })
})

describeEachStore('a login and a renewal crossing (in process)', (store) => {
  it("a login whose session was renewed by another request after the login read it moves the successor, with the successor's data", async () => {
    const { repository } = store()
    const id = (await request(repository, null, NOW, (u) => u.increment('n')))!
    const logging = new RequestSession(repository, RENEWING, () => NOW + 5, id, { device: () => 'Firefox on Linux' })
    await logging.login(`user-${crypto.randomUUID()}`)
    // Another request with the same cookie counts and renews the id meanwhile.
    const renewed = (await request(repository, id, NOW + 5, (u) => u.increment('n')))!
    expect(renewed).not.toBe(id)

    const { identity } = await logging.commit()
    expect(identity.kind).toBe('issued')
    const loggedIn = (identity as { id: string }).id
    expect((await repository.load(await storageKeyFor(loggedIn), NOW + 6))!.data).toEqual({ n: 2 })
    // The renewed id was moved on by the login: refused for its grace window, never adopted.
    await expect(repository.load(await storageKeyFor(renewed), NOW + 6)).rejects.toBeInstanceOf(SessionRetiredError)
  })

  it("a visit whose renewal finds the session moved on by a login stands, without a cookie: its increment is in the login's session, once", async () => {
    const { repository } = store()
    const id = (await request(repository, null, NOW, (u) => u.increment('n')))!
    const visiting = new RequestSession(repository, RENEWING, () => NOW + 5, id)
    expect(await visiting.increment('n')).toBe(2)
    const loggedIn = (await request(repository, id, NOW + 5, (u) => u.login(`user-${crypto.randomUUID()}`)))!
    expect(loggedIn).not.toBe(id)

    // The visit's save comes after the login's move: due for renewal, it finds the id retired by
    // the login. It stands, and hands out no cookie (the pre-login id would overwrite the login's).
    expect((await visiting.commit()).identity).toEqual({ kind: 'unchanged' })
    expect((await repository.load(await storageKeyFor(loggedIn), NOW + 6))!.data).toEqual({ n: 2 })
  })
})
