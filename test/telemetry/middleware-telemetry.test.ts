import * as otel from '@opentelemetry/api'
import { Hono } from 'hono'
import { afterAll, beforeEach, describe, expect, it } from 'vitest'
import { freePort } from '../../scripts/dynamodb-local.js'
import { DynamoDbSessionRepository, MemorySessionRepository, sessionMiddleware, sessionTelemetry, type SessionEnv, type SessionRepository } from '../../src/index.js'
import { createDynamoDbClient } from '../../src/server/dynamodb-client.js'
import { SECRET } from '../support/secrets.js'
import { everyTelemetryString, otelHarness } from './support/otel-harness.js'

// The middleware's own telemetry, through OpenTelemetry's in-memory exporters: the
// spans, attributes and metrics of a visit, a conflict, a login, a renewal, a logout,
// a revocation and an outage, and no id, key, user id or cookie in any of them.

const harness = otelHarness()
afterAll(() => harness.shutdown())
beforeEach(() => harness.resetSpans())

function app(repository: SessionRepository, clock = { now: 1_900_000_000 }) {
  const telemetry = sessionTelemetry(otel, { ...harness, storeSystem: 'memory' })
  const a = new Hono<SessionEnv>()
  a.use(sessionMiddleware({ repository, secret: SECRET, telemetry, renewSeconds: 60, clock: () => clock.now * 1000 }))
  a.get('/visit', async (c) => c.text(String(await c.var.session.increment('views'))))
  a.post('/login', async (c) => (await c.var.session.login('user-42'), c.body(null, 204)))
  a.post('/logout', async (c) => (await c.var.session.destroy(), c.body(null, 204)))
  a.post('/revoke-others', async (c) => (await c.var.session.revokeOtherSessions(), c.body(null, 204)))
  a.post('/note', async (c) => {
    const notes = ((await c.var.session.get('notes')) as string[] | undefined) ?? []
    await new Promise((resolve) => setTimeout(resolve, 20))
    c.var.session.set('notes', [...notes, 'x'])
    return c.body(null, 204)
  })
  return a
}

const cookieOf = (response: Response) => response.headers.getSetCookie().find((l) => l.startsWith('sid='))?.split(';')[0]

describe('session telemetry through the middleware', () => {
  it('a visit: session.save with outcome saved, a store span under it, session.requests counted', async () => {
    const a = app(new MemorySessionRepository())
    const before = await harness.total('session.requests', { 'session.outcome': 'saved' })
    expect((await a.request('/visit')).status).toBe(200)
    const save = harness.named('session.save')
    expect(save).toHaveLength(1)
    expect(save[0]!.attributes['session.outcome']).toBe('saved')
    const create = harness.named('session.store.create')[0]!
    expect(create.parentSpanContext?.spanId).toBe(save[0]!.spanContext().spanId)
    expect(await harness.total('session.requests', { 'session.outcome': 'saved' })).toBe(before + 1)
  })

  it('a login, a renewal, a logout and a revocation: each a span, each counted', async () => {
    const clock = { now: 1_900_000_000 }
    const a = app(new MemorySessionRepository(), clock)
    const phone = cookieOf(await a.request('/login', { method: 'POST' }))!
    const laptop = cookieOf(await a.request('/login', { method: 'POST' }))!
    clock.now += 61
    const renewed = cookieOf(await a.request('/visit', { headers: { cookie: laptop } }))!
    expect(renewed).not.toBe(laptop)
    await a.request('/revoke-others', { method: 'POST', headers: { cookie: renewed } })
    await a.request('/logout', { method: 'POST', headers: { cookie: renewed } })
    for (const change of ['login', 'renewal', 'revocation', 'logout']) {
      expect(harness.named(`session.${change}`).length, change).toBeGreaterThan(0)
      expect(await harness.total('session.identity.changes', { 'session.identity.change': change }), change).toBeGreaterThan(0)
    }
    const text = (await everyTelemetryString(harness)).join('\n')
    for (const secret of ['user-42', phone, laptop, renewed, phone.slice(4), renewed.slice(4)]) expect(text).not.toContain(secret)
  })

  it('a conflict: the loser answers 409, its save span says conflict, and the conflict is counted', async () => {
    const a = app(new MemorySessionRepository({ latencyMs: 1 }))
    const cookie = cookieOf(await a.request('/visit'))!
    const before = await harness.total('session.conflicts')
    const answers = await Promise.all([1, 2, 3].map(() => a.request('/note', { method: 'POST', headers: { cookie } })))
    expect(answers.map((r) => r.status).sort()).toEqual([204, 409, 409])
    expect(harness.named('session.save').map((s) => s.attributes['session.outcome']).sort()).toEqual(['conflict', 'conflict', 'saved', 'saved'])
    expect(await harness.total('session.conflicts')).toBeGreaterThan(before)
    expect(await harness.total('session.requests', { 'session.outcome': 'conflict' })).toBeGreaterThanOrEqual(2)
  })

  it('an outage: 503, and the request counted as store_unavailable', async () => {
    const client = createDynamoDbClient({ endpoint: `http://127.0.0.1:${await freePort()}`, region: 'us-east-1', timeoutMs: 500 })
    const a = app(new DynamoDbSessionRepository({ client, tableName: 'nowhere', timeoutMs: 500 }))
    const response = await a.request('/visit', { headers: { cookie: 'sid=abc' } })
    // A forged cookie never reaches the store; a new visitor's create does, and fails.
    expect([503]).toContain(response.status)
    expect(await harness.total('session.requests', { 'session.outcome': 'store_unavailable' })).toBeGreaterThan(0)
    client.destroy()
  })
})
