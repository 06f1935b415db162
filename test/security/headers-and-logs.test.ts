import { afterAll, describe, expect, it } from 'vitest'
import { MemorySessionRepository } from '../../src/adapters/memory-session-repository.js'
import { createApp } from '../../src/server/app.js'
import type { Logger } from '../../src/server/request-log.js'
import { CookieJar, cookieClient, type CookieClient } from '../support/cookie-jar.js'
import { startServer, type ServerProcess } from '../support/server-process.js'
import { NEW_SECRET, OLD_SECRET } from '../support/secrets.js'
import { expectedKeyFor, formHeaders, idOf, jsonHeaders } from './cookies.js'

/** The app with a logger that keeps every line, and a client that remembers every response. */
function loggedApp(base = 'http://localhost') {
  const lines: string[] = []
  const logger: Logger = {
    info: (fields, message) => void lines.push(JSON.stringify({ fields, message })),
    error: (fields, message) => void lines.push(JSON.stringify({ fields, message })),
  }
  const app = createApp({ session: { repository: new MemorySessionRepository(), secret: [NEW_SECRET, OLD_SECRET] }, logger })
  const responses: Response[] = []
  const cookies = new Set<string>()
  const client = (jar = new CookieJar()): CookieClient => {
    const browser = cookieClient((url, init) => app.request(url, init), jar, base)
    return {
      jar,
      async request(path, init) {
        const response = await browser.request(path, init)
        for (const value of [jar.get('sid'), jar.get('__Host-sid')]) if (value) cookies.add(value)
        responses.push(response)
        return response
      },
    }
  }
  return { lines, responses, cookies, client }
}

/** Visits, a refused and a good login (JSON and form), logout and reuse of the old cookie. */
async function flow(client: CookieClient, origin = 'http://localhost') {
  await client.request('/private')
  await client.request('/')
  await client.request('/login', { method: 'POST', headers: jsonHeaders, body: '{"user":""}' })
  await client.request('/login', { method: 'POST', headers: formHeaders('https://evil.example'), body: 'user=mallory' })
  await client.request('/login', { method: 'POST', headers: jsonHeaders, body: '{"user":"alice"}' })
  await client.request('/private')
  await client.request('/login', { method: 'POST', headers: formHeaders(origin), body: 'user=alice2' })
  const beforeLogout = client.jar.header()
  await client.request('/logout', { method: 'POST', headers: jsonHeaders })
  await client.request('/private', { headers: { cookie: beforeLogout } })
  await client.request('/logout', { method: 'POST', headers: formHeaders(origin) })
  await client.request('/nope')
  await client.request('/login', { method: 'POST', headers: jsonHeaders, body: JSON.stringify({ user: 'x'.repeat(20_000) }) })
}

describe('security headers', () => {
  it('are on every response: pages, JSON, redirects, 204, 400, 403, 404 and 413', async () => {
    const { client, responses } = loggedApp()
    await flow(client())
    const statuses = new Set(responses.map((r) => r.status))
    for (const status of [200, 204, 303, 400, 403, 404, 413]) expect(statuses).toContain(status)
    for (const response of responses) {
      const h = response.headers
      expect(h.get('x-content-type-options'), `status ${response.status}`).toBe('nosniff')
      expect(h.get('x-frame-options')).toBe('SAMEORIGIN')
      expect(h.get('referrer-policy')).toBe('no-referrer')
      expect(h.get('strict-transport-security')).toMatch(/max-age=\d+/)
      expect(h.get('cross-origin-opener-policy')).toBe('same-origin')
      expect(h.get('cross-origin-resource-policy')).toBe('same-origin')
    }
  })
})

describe('Cache-Control on responses that carry a session cookie', () => {
  for (const base of ['http://localhost', 'https://example.test']) {
    it(`is no-store on every one of them (${new URL(base).protocol.slice(0, -1)})`, async () => {
      const { client, responses } = loggedApp(base)
      await flow(client(), base)
      const withCookie = responses.filter((r) => r.headers.getSetCookie().length > 0)
      // first visit, two logins, logout, the fresh session after reuse
      expect(withCookie.length).toBeGreaterThanOrEqual(5)
      for (const response of withCookie) expect(response.headers.get('cache-control')).toBe('private, no-store')
    })
  }
})

describe('logs', () => {
  it('hold one line per request and never a session id, cookie, storage key or secret', async () => {
    const { client, lines, cookies, responses } = loggedApp()
    await flow(client())
    expect(lines.length).toBe(responses.length)
    expect(lines.some((l) => l.includes('"path":"/login"') && l.includes('"status":200'))).toBe(true)
    expect(cookies.size).toBeGreaterThanOrEqual(3)
    const text = lines.join('\n')
    for (const cookie of cookies) {
      const [id, signature] = cookie.split('.') as [string, string]
      expect(text).not.toContain(id)
      expect(text).not.toContain(signature)
      expect(text).not.toContain(expectedKeyFor(idOf(cookie)))
    }
    expect(text).not.toContain(NEW_SECRET)
    expect(text).not.toContain(OLD_SECRET)
  })

  describe('of the real server (pino, LOG_LEVEL=debug)', () => {
    let server: ServerProcess | undefined
    afterAll(async () => {
      await server?.kill()
    })

    it('never contain a session id, cookie or the secrets', async () => {
      server = await startServer({ SESSION_STORE: 'memory', SESSION_SECRET: `${NEW_SECRET},${OLD_SECRET}`, LOG_LEVEL: 'debug' })
      const browser = cookieClient(fetch, new CookieJar(), server.url)
      const seen = new Set<string>()
      const visit = async (path: string, init?: RequestInit) => {
        await browser.request(path, init)
        const value = browser.jar.get('sid')
        if (value) seen.add(value)
      }
      await visit('/private')
      await visit('/login', { method: 'POST', headers: jsonHeaders, body: '{"user":"alice"}' })
      await visit('/private')
      await visit('/logout', { method: 'POST', headers: jsonHeaders })
      await visit('/private')
      // Wait for the last request line to be written.
      const deadline = Date.now() + 10_000
      while ((server.output().match(/"path":"\/private"/g) ?? []).length < 3 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50))
      }
      const output = server.output()
      expect((output.match(/"path":"\/private"/g) ?? []).length).toBe(3)
      expect(seen.size).toBeGreaterThanOrEqual(3)
      for (const cookie of seen) {
        const [id, signature] = cookie.split('.') as [string, string]
        expect(output).not.toContain(id)
        expect(output).not.toContain(signature)
      }
      expect(output).not.toContain(NEW_SECRET)
      expect(output).not.toContain(OLD_SECRET)
    })
  })
})
