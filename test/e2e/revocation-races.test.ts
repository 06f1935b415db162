import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { storageKeyFor } from '../../src/domain/session-id.js'
import { testApp } from '../support/app.js'
import { freshTable } from '../support/dynamodb.js'
import { idOf, jsonHeaders } from '../security/cookies.js'

const COUNT = /visited (\d+) times/

describe('revocation racing visits, on DynamoDB Local', () => {
  let table: Awaited<ReturnType<typeof freshTable>>
  beforeAll(async () => {
    table = await freshTable('revocation-races')
  })
  afterAll(() => table.drop())

  it('revoke-others while every device keeps visiting: the current device loses no visit, the others are ended and nothing brings them back', async () => {
    const app = testApp({ repository: table.repository })
    const devices = [app.client(), app.client(), app.client()]
    for (const device of devices) {
      await device.request('/login', { method: 'POST', headers: jsonHeaders, body: JSON.stringify({ user: 'racer' }) })
      expect(await (await device.request('/private')).text()).toContain('visited 1 times')
    }
    const cookies = devices.map((d) => d.jar.header())
    const keys = await Promise.all(devices.map((d) => storageKeyFor(idOf(d.jar.get('sid')!))))
    const counts: number[][] = [[1], [1], [1]]
    let revokeStarted = Number.POSITIVE_INFINITY
    let revokedAt = Number.POSITIVE_INFINITY
    const afterRevoke: number[] = []
    /** Visits of a revoked device that overlapped the revocation: either count on, or start afresh at 1. */
    const during: number[][] = [[], [], []]

    // Each device sends 20 visits, 4 in flight, with its own cookie; device 0 revokes the others midway.
    const visits = devices.map(async (_, d) => {
      for (let round = 0; round < 5; round++) {
        const answers = await Promise.all(
          Array.from({ length: 4 }, async () => {
            const started = performance.now()
            const response = await app.app.request('http://localhost/private', { headers: { cookie: cookies[d]! } })
            return { started, status: response.status, count: Number(COUNT.exec(await response.text())?.[1]) }
          }),
        )
        for (const a of answers) {
          expect(a.status).toBe(200)
          if (d === 0 || a.started < revokeStarted) counts[d]!.push(a.count)
          else if (a.started > revokedAt) afterRevoke.push(a.count)
          else during[d]!.push(a.count)
        }
      }
    })
    const revoke = (async () => {
      await new Promise((resolve) => setTimeout(resolve, 30))
      revokeStarted = performance.now()
      const response = await app.app.request('http://localhost/sessions/revoke-others', { method: 'POST', headers: { ...jsonHeaders, cookie: cookies[0]! } })
      expect(response.status).toBe(204)
      revokedAt = performance.now()
    })()
    await Promise.all([...visits, revoke])

    // The current device: every visit counted once, and the store holds exactly what was answered.
    expect(new Set(counts[0]).size).toBe(counts[0]!.length)
    const current = await table.repository.load(keys[0]!, Math.floor(Date.now() / 1000))
    expect(current!.data.views).toBe(counts[0]!.length)
    // The others: their sessions are gone, and a visit that started after the revocation answered got a fresh session.
    for (const key of keys.slice(1)) expect(await table.repository.load(key, Math.floor(Date.now() / 1000))).toBeNull()
    for (const count of afterRevoke) expect(count).toBe(1)
    for (const d of [1, 2]) {
      // Before the revocation: each visit counted once. During it: never a count repeated, only fresh 1s.
      const continued = [...counts[d]!, ...during[d]!.filter((c) => c !== 1)]
      expect(new Set(continued).size).toBe(continued.length)
      expect(await (await app.app.request('http://localhost/private', { headers: { cookie: cookies[d]! } })).text()).toContain('visited 1 times')
    }
    const listed = await table.repository.listUserSessions('racer', Math.floor(Date.now() / 1000))
    expect(listed.map((s) => s.key)).toContain(keys[0])
    expect(listed.some((s) => keys.slice(1).includes(s.key))).toBe(false)
  })
})
