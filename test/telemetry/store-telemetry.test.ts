import * as otel from '@opentelemetry/api'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { freePort } from '../../scripts/dynamodb-local.js'
import { MemorySessionRepository } from '../../src/adapters/memory-session-repository.js'
import { DynamoDbSessionRepository } from '../../src/adapters/dynamodb-session-repository.js'
import { ensureSessionTable } from '../../src/adapters/dynamodb-table.js'
import { SessionConflictError, SessionStoreUnavailableError } from '../../src/domain/errors.js'
import { storageKeyFor } from '../../src/domain/session-id.js'
import type { StoreCost } from '../../src/domain/session-repository.js'
import { newStoredSession } from '../../src/domain/session.js'
import { createDynamoDbClient } from '../../src/server/dynamodb-client.js'
import { instrumentDynamoDbClient } from '../../src/telemetry/dynamodb-client-telemetry.js'
import { instrumentRepository } from '../../src/telemetry/instrument-repository.js'
import { sessionTelemetry } from '../../src/telemetry/session-telemetry.js'
import { NO_TELEMETRY } from '../../src/domain/telemetry-port.js'
import { testApp } from '../support/app.js'
import { testClient, uniqueTableName } from '../support/dynamodb.js'
import { everyTelemetryString, otelHarness, parentOf } from './support/otel-harness.js'

// Real stores under the repository decorator and the SDK middleware: the memory store,
// DynamoDB Local, and a DynamoDB endpoint where nothing listens (an outage). Nothing is mocked.

const harness = otelHarness()
afterAll(() => harness.shutdown())
beforeEach(() => harness.resetSpans())

const LIFETIME = { ttlSeconds: 3600, maxAgeSeconds: 7200 }
const now = () => Math.floor(Date.now() / 1000)
const json = { 'content-type': 'application/json' }

describe('instrumentRepository', () => {
  it('with NO_TELEMETRY gives the repository itself back', () => {
    const repository = new MemorySessionRepository()
    expect(instrumentRepository(repository, NO_TELEMETRY)).toBe(repository)
  })

  it("leaves what every object has alone: toString is no store call", () => {
    const telemetry = sessionTelemetry(otel, { ...harness, storeSystem: 'memory' })
    const instrumented = instrumentRepository(new MemorySessionRepository(), telemetry)
    expect(String(instrumented)).toBe('[object Object]')
    expect(harness.spans()).toEqual([])
  })

  it('traces and times every call of the memory store, whatever the port holds', async () => {
    const telemetry = sessionTelemetry(otel, { ...harness, storeSystem: 'memory' })
    const { client } = testApp({ repository: instrumentRepository(new MemorySessionRepository(), telemetry) })
    const visitor = client()
    expect((await visitor.request('/private')).status).toBe(200)
    expect((await visitor.request('/private')).status).toBe(200)
    const spans = harness.spans()
    expect(spans.length).toBeGreaterThan(0)
    for (const span of spans) {
      expect(span.name).toMatch(/^session\.store\.\w+$/)
      expect(span.attributes['db.system.name']).toBe('memory')
      expect(span.name).toBe(`session.store.${span.attributes['db.operation.name']}`)
    }
    const timed = (await harness.points()).filter((p) => p.name === 'session.store.operation.duration' && p.attributes['db.system.name'] === 'memory')
    expect(timed.reduce((sum, p) => sum + p.value, 0)).toBe(spans.length)
  })
})

describe('on DynamoDB Local', () => {
  const tableName = uniqueTableName('otel')
  const client = testClient()
  // Before the client's first call: the demo's client builds each command's chain once.
  instrumentDynamoDbClient(client, otel, harness)
  const telemetry = sessionTelemetry(otel, { ...harness, storeSystem: 'aws.dynamodb' })
  const plain = new DynamoDbSessionRepository({ client, tableName, timeoutMs: 5000 })
  const repository = instrumentRepository(plain, telemetry)
  beforeAll(() => ensureSessionTable({ client, tableName, create: true }))
  afterAll(() => client.destroy())

  it('a visit: each DynamoDB call is a client span under the store call that made it, with the conventions\' attributes', async () => {
    const { client: browser } = testApp({ repository })
    const visitor = browser()
    await visitor.request('/private')
    harness.resetSpans()
    expect(await (await visitor.request('/private')).text()).toContain('2 times')

    const calls = harness.spans().filter((s) => s.name.startsWith('DynamoDB.'))
    expect(calls.length).toBeGreaterThan(0)
    const byId = new Map(harness.spans().map((s) => [s.spanContext().spanId, s]))
    for (const call of calls) {
      const operation = call.name.slice('DynamoDB.'.length)
      expect(call.kind).toBe(otel.SpanKind.CLIENT)
      expect(call.attributes).toMatchObject({
        'db.system.name': 'aws.dynamodb',
        'db.operation.name': operation,
        'aws.dynamodb.table_names': [tableName],
        'rpc.system': 'aws-api',
        'rpc.service': 'DynamoDB',
        'rpc.method': operation,
      })
      const consumed = (call.attributes['aws.dynamodb.consumed_capacity'] as string[]).map((c) => JSON.parse(c))
      expect(consumed[0]).toMatchObject({ TableName: tableName, CapacityUnits: expect.any(Number) })
      expect(call.status.code).toBe(otel.SpanStatusCode.UNSET)
      // The parent is the session's store call: the SDK's calls are tied to the session work that made them.
      const parent = byId.get(parentOf(call)!)
      expect(parent?.name).toMatch(/^session\.store\./)
      expect(parent?.attributes['db.system.name']).toBe('aws.dynamodb')
    }
    const durations = (await harness.points()).filter((p) => p.name === 'db.client.operation.duration')
    expect(durations.every((p) => p.unit === 's' && p.attributes['db.system.name'] === 'aws.dynamodb')).toBe(true)
    expect(durations.length).toBeGreaterThan(0)
  })

  it('a request span is the root of the session\'s store calls and of their DynamoDB calls', async () => {
    const tracer = harness.tracerProvider.getTracer('test')
    const { client: browser } = testApp({ repository })
    await tracer.startActiveSpan('GET /private', async (span) => {
      await browser().request('/private')
      span.end()
    })
    const [request] = harness.named('GET /private')
    const others = harness.spans().filter((s) => s !== request)
    expect(others.length).toBeGreaterThan(1)
    expect(new Set(others.map((s) => s.spanContext().traceId))).toEqual(new Set([request!.spanContext().traceId]))
  })

  it('the metered view is instrumented too, and still adds up the capacity', async () => {
    const cost: StoreCost = { readUnits: 0, writeUnits: 0 }
    const metered = repository.metered!(cost)
    await metered.load(await storageKeyFor('no-such-session-id'), now())
    expect(cost.readUnits).toBeGreaterThan(0)
    expect(harness.named('session.store.load')).toHaveLength(1)
    expect(harness.named('session.store.metered')).toHaveLength(0)
    expect(harness.named('DynamoDB.GetItem')).toHaveLength(1)
  })

  it('a conflict: the lost write is counted and marked on both spans', async () => {
    const conflicts = await harness.total('session.conflicts', { 'db.operation.name': 'create' })
    const session = newStoredSession(await storageKeyFor(crypto.randomUUID()), { n: 1 }, now(), LIFETIME)
    await repository.create(session)
    await expect(repository.create(session)).rejects.toBeInstanceOf(SessionConflictError)
    expect(await harness.total('session.conflicts', { 'db.operation.name': 'create' })).toBe(conflicts + 1)
    const [, lost] = harness.named('session.store.create')
    expect(lost!.attributes['error.type']).toBe('SessionConflictError')
    const [, put] = harness.named('DynamoDB.PutItem')
    expect(put!.attributes['error.type']).toBe('ConditionalCheckFailedException')
    expect(put!.status.code).toBe(otel.SpanStatusCode.ERROR)
    expect(parentOf(put!)).toBe(lost!.spanContext().spanId)
  })

  it('a login, a renewal and a logout: the store calls are traced and no id, key, user or cookie is in any attribute', async () => {
    let clock = Date.now()
    const { client: browser } = testApp({ repository, renewSeconds: 60, clock: () => clock })
    const visitor = browser()
    const user = `user-${crypto.randomUUID()}`
    const cookies: string[] = []
    const keep = () => {
      const value = visitor.jar.get('sid')
      if (value && !cookies.includes(value)) cookies.push(value)
    }
    await visitor.request('/private'), keep()
    expect((await visitor.request('/login', { method: 'POST', headers: json, body: JSON.stringify({ user }) })).status).toBeLessThan(400)
    keep()
    clock += 120_000 // past renewSeconds: the next visit renews the id
    expect((await visitor.request('/private')).status).toBe(200)
    keep()
    expect((await visitor.request('/logout', { method: 'POST', headers: json })).status).toBeLessThan(400)
    expect(cookies.length).toBeGreaterThanOrEqual(3) // first, after login, after renewal

    const names = new Set(harness.spans().map((s) => s.name))
    expect([...names].some((n) => n.startsWith('DynamoDB.Transact'))).toBe(true)
    const ids = cookies.map((c) => c.split('.')[0]!)
    const keys = await Promise.all(ids.map((id) => storageKeyFor(id)))
    const secrets = [user, ...cookies, ...ids, ...keys, ...cookies.map((c) => c.split('.')[1]!)]
    const strings = await everyTelemetryString(harness)
    expect(strings.length).toBeGreaterThan(50)
    expect(strings.filter((s) => secrets.some((secret) => s.includes(secret)))).toEqual([])
  })
})

describe('when DynamoDB does not answer', () => {
  it('an outage: the store call and every DynamoDB call fail with error.type, and load gives store_unavailable', async () => {
    const client = createDynamoDbClient({ endpoint: `http://127.0.0.1:${await freePort()}`, region: 'us-east-1', timeoutMs: 1000 })
    instrumentDynamoDbClient(client, otel, harness)
    const telemetry = sessionTelemetry(otel, { ...harness, storeSystem: 'aws.dynamodb' })
    const repository = instrumentRepository(new DynamoDbSessionRepository({ client, tableName: 'nowhere', timeoutMs: 1000 }), telemetry)
    try {
      const key = await storageKeyFor(crypto.randomUUID())
      await expect(telemetry.load(() => repository.load(key, now()))).rejects.toBeInstanceOf(SessionStoreUnavailableError)
    } finally {
      client.destroy()
    }
    const [load] = harness.named('session.load')
    expect(load!.attributes).toEqual({ 'session.outcome': 'store_unavailable', 'error.type': 'SessionStoreUnavailableError' })
    const [store] = harness.named('session.store.load')
    expect(store!.attributes['error.type']).toBe('SessionStoreUnavailableError')
    expect(parentOf(store!)).toBe(load!.spanContext().spanId)
    const [call] = harness.named('DynamoDB.GetItem')
    expect(call!.attributes['error.type']).toBe('ECONNREFUSED')
    expect(call!.attributes['aws.dynamodb.table_names']).toEqual(['nowhere'])
    expect(call!.status.code).toBe(otel.SpanStatusCode.ERROR)
    expect(parentOf(call!)).toBe(store!.spanContext().spanId)
    const failed = (await harness.points()).filter((p) => p.name === 'db.client.operation.duration' && p.attributes['error.type'] === 'ECONNREFUSED')
    expect(failed.map((p) => p.attributes['db.operation.name'])).toEqual(['GetItem'])
  })
})
