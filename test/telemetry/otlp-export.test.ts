import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { storageKeyFor } from '../../src/domain/session-id.js'
import { cookieClient } from '../support/cookie-jar.js'
import { endpoint, uniqueTableName } from '../support/dynamodb.js'
import { SECRET } from '../support/secrets.js'
import { spawnChild, startServer, type ServerProcess } from '../support/server-process.js'
import { startOtlpReceiver, valueOf, type OtlpReceiver, type OtlpSpan } from './support/otlp-receiver.js'

// The real demo server, started as users start it, exporting to a local OTLP/HTTP
// receiver. The batch delay and metric interval are long, so everything reaches the
// receiver by the flush at shutdown: the test also proves nothing is lost on SIGTERM.

const json = { 'content-type': 'application/json' }
const SERVER_KIND = 2 // OTLP's SPAN_KIND_SERVER
const CLIENT_KIND = 3 // OTLP's SPAN_KIND_CLIENT
const holding = { OTEL_BSP_SCHEDULE_DELAY: '60000', OTEL_METRIC_EXPORT_INTERVAL: '60000' }

describe('the demo server exports OpenTelemetry over OTLP/HTTP', () => {
  let receiver: OtlpReceiver
  beforeAll(async () => {
    receiver = await startOtlpReceiver()
  })
  afterAll(() => receiver?.close())

  describe('with http/json, on DynamoDB Local', () => {
    const tableName = uniqueTableName('otlp')
    const user = `user-${crypto.randomUUID()}`
    const cookies: string[] = []
    let server: ServerProcess
    let exitCode: number | null
    let spans: OtlpSpan[]

    beforeAll(async () => {
      server = await startServer({
        SESSION_STORE: 'dynamodb',
        DYNAMODB_ENDPOINT: endpoint(),
        SESSION_TABLE: tableName,
        SESSION_SECRET: SECRET,
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_SERVICE_NAME: 'otlp-export-test',
        ...holding,
      })
      const visitor = cookieClient(fetch)
      const keep = () => {
        const value = visitor.jar.get('sid')
        if (value && !cookies.includes(value)) cookies.push(value)
      }
      expect((await visitor.request(`${server.url}/private`)).status).toBe(200)
      keep()
      expect((await visitor.request(`${server.url}/private`)).status).toBe(200)
      const login = await visitor.request(`${server.url}/login`, { method: 'POST', headers: json, body: JSON.stringify({ user }) })
      expect(login.status).toBeLessThan(400)
      keep()
      expect((await visitor.request(`${server.url}/`)).status).toBe(200)
      exitCode = await server.kill('SIGTERM')
      spans = receiver.spans().filter((s) => s.service === 'otlp-export-test')
    })
    afterAll(() => server?.kill())

    it('stops cleanly, and every span reaches the receiver in the flush at shutdown', () => {
      expect(exitCode, server.output()).toBe(0)
      expect(spans.length).toBeGreaterThan(5)
    })

    it('each request has a server span from the Hono middleware', () => {
      const requests = spans.filter((s) => s.kind === SERVER_KIND)
      expect(requests.map((s) => s.name)).toEqual(expect.arrayContaining(['GET /private', 'POST /login', 'GET /']))
      const visit = requests.find((s) => s.name === 'GET /private')!
      expect(Number(valueOf(visit.attributes, 'http.response.status_code'))).toBe(200)
    })

    it("the session's store calls nest under the request span, and DynamoDB's calls under them", () => {
      const byId = new Map(spans.map((s) => [s.spanId, s]))
      const visits = spans.filter((s) => s.name === 'GET /private')
      for (const visit of visits) {
        // Directly under the request (an increment in the handler), or under session.save / session.load.
        const underVisit = (span: (typeof spans)[number]): boolean => {
          const parent = byId.get(span.parentSpanId!)
          return parent !== undefined && (parent.spanId === visit.spanId || underVisit(parent))
        }
        const store = spans.filter((s) => s.name.startsWith('session.store.') && underVisit(s))
        expect(store.length, `store spans under ${visit.name}`).toBeGreaterThan(0)
        for (const call of spans.filter((s) => s.traceId === visit.traceId && s.name.startsWith('DynamoDB.'))) {
          expect(call.kind).toBe(CLIENT_KIND)
          expect(byId.get(call.parentSpanId!)?.name).toMatch(/^session\.store\./)
          expect(valueOf(call.attributes, 'db.system.name')).toBe('aws.dynamodb')
          expect(valueOf(call.attributes, 'db.operation.name')).toBe(call.name.slice('DynamoDB.'.length))
          expect(valueOf(call.attributes, 'aws.dynamodb.table_names')).toEqual([tableName])
          expect(valueOf(call.attributes, 'aws.dynamodb.consumed_capacity')).toEqual([expect.stringContaining(tableName)])
        }
      }
      expect(spans.filter((s) => s.name === 'DynamoDB.UpdateItem').length).toBeGreaterThan(0)
      // The session's own work: the save after each request, the load, the login, each under its request span.
      const requestIds = new Set(spans.filter((s) => s.kind === SERVER_KIND).map((s) => s.spanId))
      for (const name of ['session.save', 'session.load', 'session.login']) {
        const found = spans.filter((s) => s.name === name)
        expect(found.length, name).toBeGreaterThan(0)
        for (const span of found) {
          let parent = byId.get(span.parentSpanId!)
          while (parent && !requestIds.has(parent.spanId)) parent = byId.get(parent.parentSpanId!)
          expect(parent, `${name} under a request span`).toBeDefined()
        }
      }
      const saves = spans.filter((s) => s.name === 'session.save')
      expect(saves.map((s) => valueOf(s.attributes, 'session.outcome'))).toEqual(expect.arrayContaining(['saved']))
    })

    it('metrics reach the receiver: store call and DynamoDB call durations', () => {
      const names = new Set(receiver.metrics().map((m) => m.name))
      expect(names).toContain('session.store.operation.duration')
      expect(names).toContain('db.client.operation.duration')
      expect(names).toContain('http.server.request.duration')
      for (const name of ['session.requests', 'session.identity.changes', 'session.store.capacity.read', 'session.store.capacity.write']) {
        expect(names, name).toContain(name)
      }
    })

    it('no session id, storage key, user id or cookie in any span or metric', async () => {
      const ids = cookies.map((c) => c.split('.')[0]!)
      const secrets = [user, ...cookies, ...ids, ...(await Promise.all(ids.map((id) => storageKeyFor(id))))]
      const text = receiver.exports.map((e) => e.body.toString('utf8')).join('\n')
      expect(text).toContain('otlp-export-test')
      expect(cookies.length).toBeGreaterThanOrEqual(2)
      expect(secrets.filter((secret) => text.includes(secret))).toEqual([])
    })
  })

  it('with http/protobuf, the visit reaches /v1/traces and /v1/metrics as protobuf', async () => {
    const before = receiver.exports.length
    const server = await startServer({
      SESSION_STORE: 'memory',
      SESSION_SECRET: SECRET,
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      OTEL_SERVICE_NAME: 'otlp-protobuf-test',
      ...holding,
    })
    expect((await fetch(`${server.url}/private`)).status).toBe(200)
    expect(await server.kill('SIGTERM')).toBe(0)
    const sent = receiver.exports.slice(before)
    const traces = sent.filter((e) => e.path === '/v1/traces')
    expect(traces.map((e) => e.contentType)).toEqual(traces.map(() => 'application/x-protobuf'))
    // Protobuf keeps strings as UTF-8 bytes: the names are there to find.
    const body = Buffer.concat(traces.map((e) => e.body))
    expect(body.includes('otlp-protobuf-test')).toBe(true)
    expect(body.includes('session.store.')).toBe(true)
    expect(body.includes('GET /private')).toBe(true)
    expect(sent.filter((e) => e.path === '/v1/metrics' && e.contentType === 'application/x-protobuf').length).toBeGreaterThan(0)
    expect(sent.filter((e) => e.path === '/v1/logs')).toEqual([])
  })

  it('a bad OTEL variable stops the server at start with one line naming it', async () => {
    const child = spawnChild(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
      NODE_ENV: 'test',
      PORT: '0',
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
    })
    const code = await new Promise<number | null>((resolve) => {
      if (child.process.exitCode !== null) resolve(child.process.exitCode)
      else child.process.once('exit', resolve)
    })
    expect(code).toBe(1)
    expect(child.output().trim()).toBe(
      'Configuration error: OTEL_EXPORTER_OTLP_PROTOCOL: grpc is not supported by the demo server; use http/protobuf or http/json',
    )
  })
})
