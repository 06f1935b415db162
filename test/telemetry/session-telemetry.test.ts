import * as otel from '@opentelemetry/api'
import { afterAll, beforeEach, describe, expect, it } from 'vitest'
import { SessionConflictError, SessionRetiredError, SessionStoreUnavailableError } from '../../src/domain/errors.js'
import { outcomeFromCommit, outcomeFromError } from '../../src/telemetry/session-attributes.js'
import { sessionTelemetry } from '../../src/telemetry/session-telemetry.js'
import { NO_TELEMETRY } from '../../src/domain/telemetry-port.js'
import type { OpenTelemetryApi } from '../../src/telemetry/otel-types.js'
import { otelHarness, parentOf } from './support/otel-harness.js'

// The real API module fits the library's own description of it, so `sessionTelemetry(otel)` type-checks.
const api: OpenTelemetryApi = otel

const harness = otelHarness()
const telemetry = sessionTelemetry(api, { ...harness, storeSystem: 'memory' })
afterAll(() => harness.shutdown())
beforeEach(() => harness.resetSpans())

describe('sessionTelemetry: spans', () => {
  it('session.load nests the store calls its work makes, and returns what the work returns', async () => {
    const result = await telemetry.load(async () => {
      await telemetry.storeCall('load', async () => null)
      return 'loaded'
    })
    expect(result).toBe('loaded')
    const [load] = harness.named('session.load')
    const [store] = harness.named('session.store.load')
    expect(load).toBeDefined()
    expect(store!.spanContext().traceId).toBe(load!.spanContext().traceId)
    expect(parentOf(store!)).toBe(load!.spanContext().spanId)
    expect(store!.attributes).toEqual({ 'db.system.name': 'memory', 'db.operation.name': 'load' })
    expect(store!.kind).toBe(otel.SpanKind.INTERNAL)
  })

  it('session.save carries the outcome: saved, or what outcomeOf says', async () => {
    await telemetry.save(async () => 1)
    await telemetry.save(async () => 'destroyed' as const, () => 'ended')
    expect(harness.named('session.save').map((s) => s.attributes['session.outcome'])).toEqual(['saved', 'ended'])
    expect(harness.named('session.save').every((s) => s.status.code === otel.SpanStatusCode.UNSET)).toBe(true)
  })

  it.each([
    [new SessionConflictError(), 'conflict', 'SessionConflictError'],
    [new SessionRetiredError('sealed-forward-pointer'), 'retired', 'SessionRetiredError'],
    [new SessionStoreUnavailableError(), 'store_unavailable', 'SessionStoreUnavailableError'],
    [new TypeError('boom'), 'failed', 'TypeError'],
  ])('a save that throws %s is marked %s, with error.type and the error status, and rethrows', async (error, outcome, type) => {
    await expect(telemetry.save(async () => Promise.reject(error))).rejects.toBe(error)
    const [save] = harness.named('session.save')
    expect(save!.attributes).toEqual({ 'session.outcome': outcome, 'error.type': type })
    expect(save!.status.code).toBe(otel.SpanStatusCode.ERROR)
    // The error's message is never copied onto the span: it may quote stored values.
    expect(save!.status.message).toBeUndefined()
    expect(save!.events).toEqual([])
  })

  it.each(['login', 'renewal', 'logout', 'revocation'] as const)('session.%s is a span with the change named', async (change) => {
    await telemetry.identityChange(change, async () => telemetry.storeCall('replace', async () => 'replaced'))
    const [span] = harness.named(`session.${change}`)
    expect(span!.attributes).toEqual({ 'session.identity.change': change })
    expect(parentOf(harness.named('session.store.replace')[0]!)).toBe(span!.spanContext().spanId)
  })

  it('a store call that fails has error.type and the error status', async () => {
    const error = new SessionStoreUnavailableError()
    await expect(telemetry.storeCall('update', () => Promise.reject(error))).rejects.toBe(error)
    const [span] = harness.named('session.store.update')
    expect(span!.attributes['error.type']).toBe('SessionStoreUnavailableError')
    expect(span!.status.code).toBe(otel.SpanStatusCode.ERROR)
  })

  it('spans go to the tracer of the options, under the library scope', async () => {
    await telemetry.load(async () => null)
    expect(harness.named('session.load')[0]!.instrumentationScope.name).toBe('hono-dynamodb-session')
  })
})

describe('sessionTelemetry: metrics', () => {
  it('counts requests by outcome, with the capacity the store charged', async () => {
    const before = {
      saved: await harness.total('session.requests', { 'session.outcome': 'saved' }),
      conflict: await harness.total('session.requests', { 'session.outcome': 'conflict' }),
      read: await harness.total('session.store.capacity.read'),
      write: await harness.total('session.store.capacity.write'),
    }
    telemetry.requestEnded('saved', { readUnits: 1, writeUnits: 2 })
    telemetry.requestEnded('saved', { readUnits: 0.5, writeUnits: 0 })
    telemetry.requestEnded('conflict')
    expect(await harness.total('session.requests', { 'session.outcome': 'saved' })).toBe(before.saved + 2)
    expect(await harness.total('session.requests', { 'session.outcome': 'conflict' })).toBe(before.conflict + 1)
    expect(await harness.total('session.store.capacity.read')).toBe(before.read + 1.5)
    expect(await harness.total('session.store.capacity.write')).toBe(before.write + 2)
    const units = (await harness.points()).filter((p) => p.name.startsWith('session.store.capacity'))
    expect(new Set(units.map((p) => p.unit))).toEqual(new Set(['{capacity_unit}']))
  })

  it('counts conflicts by operation, update() retries and identity changes once each succeeded', async () => {
    const conflicts = await harness.total('session.conflicts', { 'db.operation.name': 'update' })
    const retries = await harness.total('session.update.retries')
    const logins = await harness.total('session.identity.changes', { 'session.identity.change': 'login' })
    telemetry.conflict('update')
    telemetry.updateRetried()
    telemetry.updateRetried()
    await telemetry.identityChange('login', async () => {})
    await expect(telemetry.identityChange('login', () => Promise.reject(new SessionConflictError()))).rejects.toThrow()
    expect(await harness.total('session.conflicts', { 'db.operation.name': 'update' })).toBe(conflicts + 1)
    expect(await harness.total('session.update.retries')).toBe(retries + 2)
    expect(await harness.total('session.identity.changes', { 'session.identity.change': 'login' })).toBe(logins + 1)
  })

  it('times store calls in seconds, failures apart by error.type', async () => {
    const ok = await harness.total('session.store.operation.duration', { 'db.operation.name': 'delete' })
    await telemetry.storeCall('delete', async () => {})
    await expect(telemetry.storeCall('delete', () => Promise.reject(new SessionStoreUnavailableError()))).rejects.toThrow()
    const points = (await harness.points()).filter((p) => p.name === 'session.store.operation.duration' && p.attributes['db.operation.name'] === 'delete')
    expect(points.find((p) => p.attributes['error.type'] === undefined)!.value).toBe(ok + 1)
    expect(points.find((p) => p.attributes['error.type'] === 'SessionStoreUnavailableError')!.value).toBe(1)
    expect(points[0]!.unit).toBe('s')
  })
})

describe('without an SDK', () => {
  it('NO_TELEMETRY runs the work and nothing else', async () => {
    expect(NO_TELEMETRY.enabled).toBe(false)
    expect(await NO_TELEMETRY.load(async () => 7)).toBe(7)
    const error = new SessionConflictError()
    await expect(NO_TELEMETRY.save(() => Promise.reject(error))).rejects.toBe(error)
    NO_TELEMETRY.requestEnded('saved', { readUnits: 1, writeUnits: 1 })
  })

  it('the API with no provider registered gives no-op spans: work runs outside any context, nothing is recorded', async () => {
    // The global API: this file registers no tracer or meter provider with it.
    const bare = sessionTelemetry(otel)
    let active: otel.Span | undefined
    expect(await bare.load(async () => ((active = otel.trace.getActiveSpan()), 'ok'))).toBe('ok')
    expect(active).toBeUndefined()
    await expect(bare.storeCall('load', () => Promise.reject(new SessionStoreUnavailableError()))).rejects.toThrow()
    bare.requestEnded('saved')
    expect(harness.spans()).toEqual([])
  })
})

describe('outcomes', () => {
  it('map commit outcomes and session errors', () => {
    expect(['untouched', 'loaded', 'new', 'written', 'destroyed', 'failed'].map((o) => outcomeFromCommit(o as never))).toEqual([
      'untouched',
      'read',
      'saved',
      'saved',
      'ended',
      'failed',
    ])
    expect(outcomeFromError(new SessionRetiredError())).toBe('retired')
    expect(outcomeFromError('not an error')).toBe('failed')
  })
})
