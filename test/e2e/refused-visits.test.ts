import { describe, expect, it } from 'vitest'
import {
  after,
  cookieAfter,
  json,
  keyOf,
  liveSessionsOf,
  login,
  loggedIn,
  nowSeconds,
  rowUnder,
  send,
  twoServersOnOneTable,
  untilSecond,
  userIndexOf,
  visit,
  type Answer,
} from '../support/lifecycle-e2e.js'
import type { ServerProcess } from '../support/server-process.js'

// Issue 20, "A refused request keeps its increment": parallel visits on one cookie at the
// moment its id is due for renewal, across two instances, and a login racing visits. What
// the answers acknowledged (200s) must be exactly what is stored: a 409 keeps nothing, and
// the visitor ends with one session.

const get = twoServersOnOneTable('refused-visits', { SESSION_RENEW_SECONDS: '1' })

/** A session with one counted visit on the first instance (bound to `user` when given); returns its cookie. */
async function sessionWithOneVisit(user: string | null): Promise<string> {
  const [first] = get().servers
  const start = user ? await login(first, user) : undefined
  const counted = await visit(first, start)
  expect(counted.count).toBe(1)
  return cookieAfter(start, counted)!
}

/** The 200 answers' counts: each one a different number (no visit counted twice). */
function acknowledged(answers: readonly Answer[]): number[] {
  for (const a of answers) expect([200, 409], a.body).toContain(a.status)
  const counts = answers.filter((a) => a.status === 200).map((a) => a.count!)
  expect(new Set(counts).size).toBe(counts.length)
  return counts
}

/** The distinct session cookies that `answers` set, other than `cookie`. */
const newCookies = (answers: readonly Answer[], cookie: string): string[] =>
  [...new Set(answers.map((a) => a.cookie).filter((c): c is string => c !== undefined && c !== '' && c !== cookie))]

const spread = (n: number, work: (server: ServerProcess) => Promise<Answer>): Promise<Answer>[] =>
  Array.from({ length: n }, (_, i) => work(get().servers[i % 2]!))

describe('refused requests keep nothing, two server processes on DynamoDB Local (SESSION_RENEW_SECONDS=1)', () => {
  it('12 parallel visits on one cookie with a renewal due, 6 per instance, 10 trials: the stored count is the number of 200s, and the visitor ends with one session', async () => {
    const { table, servers } = get()
    const cookies = await Promise.all(Array.from({ length: 10 }, (_, t) => sessionWithOneVisit(t % 2 ? `visits-${t}-${crypto.randomUUID()}` : null)))
    await untilSecond(nowSeconds() + 1)
    let refused = 0
    for (const [t, cookie] of cookies.entries()) {
      const answers = await Promise.all(spread(12, (server) => visit(server, cookie)))
      const counts = acknowledged(answers)
      refused += answers.length - counts.length
      // At most one renewal: one new id at most among the answers.
      const renewed = newCookies(answers, cookie)
      expect(renewed.length).toBeLessThanOrEqual(1)

      // Following the old cookie (inside the grace window) leads to the one live session, which holds every acknowledged visit.
      const followed = await visit(servers[t % 2]!, cookie)
      expect(followed.count).toBe(1 + counts.length + 1)
      const candidates = new Set([cookie, ...renewed, ...(followed.cookie ? [followed.cookie] : [])])
      const rows = await Promise.all([...candidates].map(async (c) => rowUnder(table, await keyOf(c))))
      const live = rows.filter((r) => r?.live)
      expect(live).toHaveLength(1)
      expect(live[0]!.views).toBe(1 + counts.length + 1)
      if (t % 2) expect(await loggedIn(servers[0], cookieAfter(cookie, followed))).toBe(true)
    }
    console.info(`12 visits with a renewal due: ${refused} of ${12 * cookies.length} answers were 409`)
  })

  it('a login racing 8 visits on one cookie (renewal due), 12 trials: every acknowledged visit is in the session the visitor ends with, once, and no refused one', async () => {
    const { table, servers } = get()
    const [first, second] = servers
    const cookies = await Promise.all(Array.from({ length: 12 }, () => sessionWithOneVisit(null)))
    await untilSecond(nowSeconds() + 1)
    let refusedVisits = 0
    let refusedLogins = 0
    for (const [t, cookie] of cookies.entries()) {
      const user = `login-race-${t}-${crypto.randomUUID()}`
      const [loginAnswer, ...answers] = await Promise.all([
        send(t % 2 ? first : second, '/login', { method: 'POST', headers: json, body: JSON.stringify({ user }) }, cookie),
        // Spread over the login's work, more widely from trial to trial: some visits land before its move, some after.
        ...Array.from({ length: 8 }, (_, i) => after(i * (10 + 25 * (t % 4)), () => visit(servers[i % 2]!, cookie))),
      ])
      const counts = acknowledged(answers)
      refusedVisits += answers.length - counts.length
      expect([200, 409], loginAnswer.body).toContain(loginAnswer.status)
      if (loginAnswer.status === 200) {
        const loginCookie = loginAnswer.cookie!
        expect(await loggedIn(second, loginCookie)).toBe(true)
        // The logged-in session holds the first visit and every acknowledged one: the next visit counts on from them.
        expect((await visit(first, loginCookie)).count).toBe(1 + counts.length + 1)
        // The pre-login cookie, within its grace window: refused, and nothing of it kept.
        const late = await visit(second, cookie)
        expect(late.status, late.body).toBe(409)
        expect(late.cookie).toBeUndefined()
        expect((await visit(first, loginCookie)).count).toBe(1 + counts.length + 2)
        continue
      }
      // A refused login leaves nothing: no session bound to the user, and the visitor's session
      // (followed from its old cookie) holds exactly the acknowledged visits.
      refusedLogins++
      expect(loginAnswer.cookie).toBeUndefined()
      expect(await liveSessionsOf(table, user)).toEqual([])
      expect([...((await userIndexOf(table, user))?.entries.keys() ?? [])]).toEqual([])
      const next = await visit(first, cookie)
      expect(next.count).toBe(1 + counts.length + 1)
      expect(await loggedIn(second, cookieAfter(cookie, next))).toBe(false)
    }
    console.info(`login racing 8 visits: ${refusedVisits} of ${8 * cookies.length} visits and ${refusedLogins} of ${cookies.length} logins were 409`)
  })
})
