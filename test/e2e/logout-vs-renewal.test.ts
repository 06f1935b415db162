import { describe, expect, it } from 'vitest'
import {
  after,
  cookieAfter,
  json,
  keyOf,
  loggedIn,
  login,
  nowSeconds,
  rowUnder,
  send,
  storedRows,
  twoServersOnOneTable,
  untilSecond,
  userIndexOf,
  visit,
} from '../support/lifecycle-e2e.js'

// Issue 20, "Logout racing a renewal leaves the session alive": a visit renews the id on
// one instance while a logout with the same cookie goes to the other a few ms later; and
// serially, a logout with a cookie renewed moments ago (inside the grace window). After
// the logout's 204, the renewed id must not count.

const TRIALS = 24
/** How long after the visit the logout starts, in ms; one per trial. */
const DELAYS = [0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30, 32, 35, 3, 7, 11, 15, 19, 23]

const get = twoServersOnOneTable('logout-renew', { SESSION_RENEW_SECONDS: '1' })

interface Visitor {
  cookie: string
  /** The key the session was created under (its lineage when bound). */
  readonly firstKey: string
  readonly user: string | null
}

/** A session with one counted visit on the first instance; bound to a user when `user` is given. */
async function visitorWithOneVisit(user: string | null): Promise<Visitor> {
  const [first] = get().servers
  const start = user ? await login(first, user) : undefined
  const counted = await visit(first, start)
  expect(counted.count).toBe(1)
  const cookie = cookieAfter(start, counted)!
  return { cookie, firstKey: await keyOf(start ?? cookie), user }
}

const logout = (cookie: string) => send(get().servers[1], '/logout', { method: 'POST', headers: json }, cookie)

/** Nothing of the visitor's session is live any more, and a bound user's index lists nothing. */
async function expectEnded(v: Visitor, keys: readonly string[]): Promise<void> {
  const { table } = get()
  for (const key of keys) expect((await rowUnder(table, key))?.live ?? false).toBe(false)
  if (v.user === null) return
  expect((await storedRows(table)).filter((r) => r.live && r.user === v.user)).toEqual([])
  expect([...((await userIndexOf(table, v.user))?.entries.keys() ?? [])]).toEqual([])
}

describe('logout racing renewal on one cookie, two server processes on DynamoDB Local (SESSION_RENEW_SECONDS=1)', () => {
  it(`a visit renews on one instance, the logout goes to the other 0-35 ms later, ${TRIALS} trials: after the 204 the renewed id does not count`, async () => {
    const [first, second] = get().servers
    const visitors = await Promise.all(Array.from({ length: TRIALS }, (_, t) => visitorWithOneVisit(t % 2 ? `racer-${t}-${crypto.randomUUID()}` : null)))
    await untilSecond(nowSeconds() + 1)
    let renewedBeforeLogout = 0

    for (const [t, v] of visitors.entries()) {
      const [racing, out] = await Promise.all([visit(first, v.cookie), after(DELAYS[t]!, () => logout(v.cookie))])
      expect(out.status, out.body).toBe(204)
      expect(out.cookie).toBe('')
      expect([200, 409], racing.body).toContain(racing.status)
      const renewed = racing.cookie && racing.cookie !== v.cookie ? racing.cookie : null

      // The store first, before the follow-up visits create anything: the session and its
      // successor are ended, except a fresh session the visit started after the logout.
      const keys = [v.firstKey, await keyOf(v.cookie)]
      if (renewed && racing.count === 1) {
        const fresh = await rowUnder(get().table, await keyOf(renewed))
        expect(fresh).toMatchObject({ live: true, views: 1, user: undefined })
      } else if (renewed) {
        renewedBeforeLogout++
        keys.push(await keyOf(renewed))
      }
      await expectEnded(v, keys)

      // The cookie the visitor held counts from scratch; so does the renewed one, unless the
      // visit came after the logout and started that session itself.
      expect((await visit(second, v.cookie)).count).toBe(1)
      if (renewed) {
        expect(await loggedIn(first, renewed)).toBe(false)
        expect((await visit(second, renewed)).count).toBe(racing.count === 1 ? 2 : 1)
      }
    }
    console.info(`logout racing renewal: the visit renewed before the logout ended it in ${renewedBeforeLogout} of ${TRIALS} trials`)
  })

  it('serially, 6 times: a logout on one instance with the cookie a visit on the other renewed moments ago ends the renewed session', async () => {
    const [first, second] = get().servers
    const visitors = await Promise.all(Array.from({ length: 6 }, (_, t) => visitorWithOneVisit(t % 2 ? `serial-${t}-${crypto.randomUUID()}` : null)))
    await untilSecond(nowSeconds() + 1)
    for (const v of visitors) {
      const renewing = await visit(first, v.cookie)
      expect(renewing.count).toBe(2)
      const renewed = renewing.cookie!
      expect(renewed).toMatch(/^sid=/)
      expect(await keyOf(renewed)).not.toBe(await keyOf(v.cookie))
      if (v.user) expect(await loggedIn(first, renewed)).toBe(true)

      // The old cookie is still inside its grace window: the logout follows it to the renewed session.
      const out = await logout(v.cookie)
      expect(out.status, out.body).toBe(204)
      await expectEnded(v, [v.firstKey, await keyOf(v.cookie), await keyOf(renewed)])
      expect(await loggedIn(second, renewed)).toBe(false)
      expect((await visit(second, renewed)).count).toBe(1)
      expect((await visit(first, v.cookie)).count).toBe(1)
    }
  })
})
