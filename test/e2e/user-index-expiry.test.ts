import { describe, expect, it } from 'vitest'
import { runCli } from '../cli/run-cli.js'
import { endpoint } from '../support/dynamodb.js'
import {
  cookieAfter,
  json,
  keyOf,
  listed,
  loggedIn,
  login,
  nowSeconds,
  send,
  twoServersOnOneTable,
  untilSecond,
  userIndexOf,
  visit,
} from '../support/lifecycle-e2e.js'

// Issue 20, "A renewal pulls the user index's expiry back": renewing an older session
// used to set the index's expiry to that session's absolute deadline, below newer
// sessions' deadlines; once it passed, purge-expired (or TTL) deleted the index, and the
// newer sessions were neither listed nor ended by log-out-everywhere. The days
// are seconds here: the demo has no clock to move, so the absolute lifetime is short.

/** Absolute lifetime; the laptop's deadline passes while the phone's and tablet's have GAP seconds left. */
const MAX_AGE = 8
const GAP = 5

const get = twoServersOnOneTable('index-expiry', { SESSION_MAX_AGE_SECONDS: String(MAX_AGE), SESSION_RENEW_SECONDS: '2' })

describe("the user index's expiry, two server processes on DynamoDB Local (TTL on; SESSION_MAX_AGE_SECONDS=8)", () => {
  it("an older session's renewal never lowers it below a listed session's deadline: after the old deadline and a purge, the newer sessions are listed and logged out everywhere", async () => {
    const { table, servers } = get()
    const [first, second] = servers
    const user = `index-expiry-${crypto.randomUUID()}`
    let laptop = await login(first, user)
    const t0 = nowSeconds()
    await untilSecond(t0 + GAP)
    let phone = await login(second, user, undefined, 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) Version/17.5 Mobile Safari/604.1')
    let tablet = await login(first, user, undefined, 'Mozilla/5.0 (Linux; Android 14; Pixel 8) Chrome/126.0 Mobile Safari/537.36')
    const newest = (await userIndexOf(table, user))!
    const latestDeadline = Math.max(...newest.entries.values())
    expect(latestDeadline).toBeGreaterThanOrEqual(t0 + GAP + MAX_AGE)

    // The laptop's id is due (SESSION_RENEW_SECONDS=2): this visit renews it, keeping its early deadline.
    const renewing = await visit(second, laptop)
    expect(renewing.count).toBe(1)
    expect(await keyOf(renewing.cookie!)).not.toBe(await keyOf(laptop))
    laptop = cookieAfter(laptop, renewing)!
    const afterRenewal = (await userIndexOf(table, user))!
    expect(afterRenewal.entries.size).toBe(3)
    expect(afterRenewal.expires).toBeGreaterThanOrEqual(Math.max(...afterRenewal.entries.values()))
    expect(afterRenewal.expires).toBeGreaterThanOrEqual(latestDeadline)

    // Past the laptop's deadline: the operator purges expired items, and DynamoDB Local's TTL runs too.
    await untilSecond(t0 + MAX_AGE + 1)
    expect(nowSeconds()).toBeLessThan(latestDeadline - 1)
    const purge = await runCli(['purge-expired'], { SESSION_STORE: 'dynamodb', DYNAMODB_ENDPOINT: endpoint(), SESSION_TABLE: table.tableName })
    expect(purge.code, purge.stderr).toBe(0)
    expect(purge.stdout).toMatch(/deleted: [1-9]/)
    expect(await loggedIn(first, laptop)).toBe(false)

    const index = await userIndexOf(table, user)
    expect(index).not.toBeNull()
    expect(index!.expires).toBeGreaterThanOrEqual(latestDeadline)
    // Still listed: the phone and the tablet, not the expired laptop.
    const sessions = await send(second, '/sessions', {}, phone)
    expect(sessions.status, sessions.body).toBe(200)
    phone = cookieAfter(phone, sessions)!
    expect((JSON.parse(sessions.body) as { sessions: Array<{ current: boolean }> }).sessions.map((s) => s.current).sort()).toEqual([false, true])

    // And ended together by log-out-everywhere from the tablet.
    const everywhere = await send(first, '/logout', { method: 'POST', headers: json, body: JSON.stringify({ everywhere: true }) }, tablet)
    expect(everywhere.status, everywhere.body).toBe(204)
    tablet = cookieAfter(tablet, everywhere) ?? tablet
    expect(nowSeconds()).toBeLessThan(latestDeadline)
    expect(await listed(second, phone)).toBe(401)
    expect(await loggedIn(second, phone)).toBe(false)
    expect((await visit(first, phone)).count).toBe(1)
    expect([...((await userIndexOf(table, user))?.entries.keys() ?? [])]).toEqual([])
  })
})
