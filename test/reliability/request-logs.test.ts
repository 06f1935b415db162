import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { endpoint, uniqueTableName } from '../support/dynamodb.js'
import { cookieClient } from '../support/cookie-jar.js'
import { SECRET } from '../support/secrets.js'
import { startServer, type ServerProcess } from '../support/server-process.js'
import { startDynamoDbProxy, type DynamoDbProxy } from './support/dynamodb-proxy.js'
import { sessionIdIn } from './support/stored-session.js'

describe('request logs of the real server at LOG_LEVEL=info', () => {
  let proxy: DynamoDbProxy
  let server: ServerProcess
  beforeAll(async () => {
    proxy = await startDynamoDbProxy(endpoint())
    server = await startServer({
      SESSION_STORE: 'dynamodb',
      DYNAMODB_ENDPOINT: proxy.endpoint,
      SESSION_TABLE: uniqueTableName('logs'),
      SESSION_SECRET: SECRET,
      LOG_LEVEL: 'info',
    })
  })
  afterAll(async () => {
    await server?.kill()
    await proxy?.close()
  })

  it('writes one JSON line per request with method, path, status, duration and session outcome, and never an id or the secret', async () => {
    const requestLines = () => {
      const all = server.output().split('\n').filter((line) => line.includes('"msg":"request"'))
      // The start-up probes of /healthz are logged too: drop them, up to this test's first request.
      const first = all.findIndex((line) => !line.includes('"path":"/healthz"'))
      return (first < 0 ? [] : all.slice(first)).map((line) => JSON.parse(line) as Record<string, unknown>)
    }
    const visitor = cookieClient(fetch)
    const ids = new Set<string>()
    const cookieValues = new Set<string>()
    const remember = () => {
      const value = visitor.jar.get('sid')
      if (value) {
        ids.add(sessionIdIn(visitor.jar))
        cookieValues.add(value)
      }
    }
    const json = { 'content-type': 'application/json' }
    const requests: Array<[string, string, RequestInit?]> = [
      ['GET', '/private'],
      ['GET', '/private'],
      ['GET', '/'],
      ['GET', '/healthz'],
      ['POST', '/login', { method: 'POST', headers: json, body: JSON.stringify({ user: 'alice' }) }],
      ['GET', '/private?token=abc'],
      ['POST', '/logout', { method: 'POST', headers: json }],
    ]
    const statuses: number[] = []
    for (const [, path, init] of requests) {
      statuses.push((await visitor.request(`${server.url}${path}`, init)).status)
      remember()
    }
    // A store failure is logged as such: the fault is injected by the proxy, every attempt answered 500.
    proxy.setRule(() => ({ status: 500, errorType: 'InternalServerError', message: 'injected for the log test' }))
    statuses.push((await fetch(`${server.url}/private`)).status)
    proxy.setRule(() => 'forward')
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 204, 503])
    expect(ids.size).toBe(2) // the first session, and the one login moved it to

    // Lines reach us through a pipe, a little after the answers: wait for all of them.
    const deadline = Date.now() + 10_000
    while (requestLines().length < statuses.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))

    const lines = requestLines()
    expect(lines.map(({ method, path, status, session }) => ({ method, path, status, session }))).toEqual([
      { method: 'GET', path: '/private', status: 200, session: 'new' },
      { method: 'GET', path: '/private', status: 200, session: 'written' },
      { method: 'GET', path: '/', status: 200, session: 'loaded' },
      { method: 'GET', path: '/healthz', status: 200, session: 'none' },
      { method: 'POST', path: '/login', status: 200, session: 'written' },
      { method: 'GET', path: '/private', status: 200, session: 'written' },
      { method: 'POST', path: '/logout', status: 204, session: 'destroyed' },
      { method: 'GET', path: '/private', status: 503, session: 'failed' },
    ])
    for (const line of lines) {
      expect(line.durationMs).toEqual(expect.any(Number))
      expect(line.durationMs as number).toBeGreaterThanOrEqual(0)
    }

    // Every line the process printed is JSON, and none carries a credential.
    const output = server.output()
    for (const line of output.split('\n').filter((l) => l.trim().startsWith('{'))) expect(() => JSON.parse(line)).not.toThrow()
    expect(output).not.toContain(SECRET)
    for (const id of ids) expect(output).not.toContain(id)
    for (const value of cookieValues) expect(output).not.toContain(value)
    expect(output).not.toContain('token=abc')
  })
})
