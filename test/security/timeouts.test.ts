import { expect, it } from 'vitest'
import type { SessionRepository } from '../../src/domain/session-repository.js'
import { testApp } from '../support/app.js'
import { cookieAttributes, type CookieClient } from '../support/cookie-jar.js'
import { expectedKeyFor, idOf, jsonHeaders } from './cookies.js'
import { describeEachStore } from '../support/stores.js'

/** An app whose session clock the test moves by hand, in seconds from a fixed start. */
function clockedApp(repository: SessionRepository, lifetimes: { ttlSeconds: number; maxAgeSeconds: number }) {
  const start = Math.floor(Date.now() / 1000) * 1000
  let offsetSeconds = 0
  const app = testApp({ repository, ...lifetimes, clock: () => start + offsetSeconds * 1000 })
  return { ...app, at: (seconds: number) => void (offsetSeconds = seconds) }
}

const count = async (client: CookieClient) => (await client.request('/private')).text()

/** At `seconds` the session has ended: the next visit counts 1 again, under a new id. */
async function expectEndedAt(app: ReturnType<typeof clockedApp>, client: CookieClient, seconds: number) {
  const before = client.jar.get('sid')!
  app.at(seconds)
  expect(await count(client)).toBe('The /private page has been visited 1 times.')
  expect(idOf(client.jar.get('sid')!)).not.toBe(idOf(before))
  return before
}

const maxAgeOf = (response: Response) => cookieAttributes(response.headers.getSetCookie()[0]!).attributes.get('max-age')

describeEachStore('idle timeout and absolute lifetime', (store) => {
  it('ends a session after the idle timeout, measured from its last activity', async () => {
    const app = clockedApp(store().repository, { ttlSeconds: 100, maxAgeSeconds: 10_000 })
    const alice = app.client()
    const first = await alice.request('/private')
    expect(maxAgeOf(first)).toBe('100')
    app.at(99)
    expect(await count(alice)).toBe('The /private page has been visited 2 times.')
    app.at(198)
    expect(await count(alice)).toBe('The /private page has been visited 3 times.')
    await expectEndedAt(app, alice, 298)
  })

  it('slides the idle deadline on a plain read once less than half of it is left', async () => {
    const app = clockedApp(store().repository, { ttlSeconds: 100, maxAgeSeconds: 10_000 })
    const alice = app.client()
    await alice.request('/private')
    app.at(10)
    // Plenty of time left: a read writes nothing and sets no cookie.
    expect((await alice.request('/')).headers.getSetCookie()).toEqual([])
    app.at(60)
    const refreshed = await alice.request('/')
    expect(maxAgeOf(refreshed)).toBe('100')
    app.at(150)
    expect(await count(alice)).toBe('The /private page has been visited 2 times.')
  })

  it('ends a session at the absolute lifetime even though it was active all along, and never revives its id', async () => {
    const app = clockedApp(store().repository, { ttlSeconds: 100, maxAgeSeconds: 300 })
    const alice = app.client()
    for (const [i, t] of [0, 60, 120, 180].entries()) {
      app.at(t)
      expect(await count(alice)).toBe(`The /private page has been visited ${i + 1} times.`)
    }
    app.at(240)
    // A read that refreshes the idle deadline caps the cookie at the absolute deadline.
    const refreshed = await alice.request('/')
    expect(await refreshed.text()).toContain('Visits to /private in this session: 4')
    expect(maxAgeOf(refreshed)).toBe('60')
    app.at(299)
    expect(await count(alice)).toBe('The /private page has been visited 5 times.')
    const before = await expectEndedAt(app, alice, 300)
    if (store().kind === 'dynamodb') {
      // DynamoDB's TTL deletes lazily: the item may still be there, yet it is dead.
      expect(await store().holds(expectedKeyFor(idOf(before)))).toBe(true)
    }
  })

  it('does not restart the absolute lifetime on login: the new id inherits the old deadline', async () => {
    const app = clockedApp(store().repository, { ttlSeconds: 100, maxAgeSeconds: 300 })
    const alice = app.client()
    await alice.request('/private')
    for (const t of [80, 160, 240]) {
      app.at(t)
      await alice.request('/private')
    }
    app.at(250)
    const login = await alice.request('/login', { method: 'POST', headers: jsonHeaders, body: '{"user":"alice"}' })
    expect(login.status).toBe(200)
    expect(maxAgeOf(login)).toBe('50')
    app.at(299)
    expect(await count(alice)).toBe('The /private page has been visited 5 times.')
    app.at(300)
    expect(await (await alice.request('/')).text()).toContain('Not logged in.')
  })
})
