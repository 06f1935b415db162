import { describe, expect, it } from 'vitest'
import { MemorySessionRepository } from '../../src/adapters/memory-session-repository.js'
import { testApp } from '../support/app.js'
import { CookieJar, cookieAttributes } from '../support/cookie-jar.js'
import { CountingRepository } from '../../src/testing/counting-repository.js'
import { expectedKeyFor, formHeaders, idOf, jsonHeaders } from './cookies.js'
import { describeEachStore } from '../support/stores.js'

type Client = ReturnType<ReturnType<typeof testApp>['client']>

const login = (client: Client, user: string, kind: 'json' | 'form') =>
  client.request('/login', {
    method: 'POST',
    headers: kind === 'json' ? jsonHeaders : formHeaders(),
    body: kind === 'json' ? JSON.stringify({ user }) : new URLSearchParams({ user }).toString(),
  })

const logout = (client: Client, kind: 'json' | 'form') =>
  client.request('/logout', { method: 'POST', headers: kind === 'json' ? jsonHeaders : formHeaders() })

const replay = (app: ReturnType<typeof testApp>, cookie: string) => {
  const jar = new CookieJar()
  jar.set('sid', cookie)
  return app.client(jar)
}

describeEachStore('login and logout', (store) => {
  for (const kind of ['json', 'form'] as const) {
    it(`POST /login (${kind}) moves the session to a new id, records the user and keeps counting`, async () => {
      const app = testApp({ repository: store().repository })
      const alice = app.client()
      await alice.request('/private')
      await alice.request('/private')
      const before = alice.jar.get('sid')!

      const response = await login(alice, 'alice', kind)
      if (kind === 'json') {
        expect(response.status).toBe(200)
        expect(await response.json()).toEqual({ user: 'alice' })
      } else {
        expect(response.status).toBe(303)
        expect(response.headers.get('location')).toBe('/')
      }
      expect(response.headers.get('cache-control')).toBe('private, no-store')
      const after = alice.jar.get('sid')!
      expect(idOf(after)).not.toBe(idOf(before))

      expect(await store().holds(expectedKeyFor(idOf(before)))).toBe(false)
      expect(await store().holds(expectedKeyFor(idOf(after)))).toBe(true)
      expect(await (await alice.request('/private')).text()).toBe('The /private page has been visited 3 times.')
      expect(await (await alice.request('/')).text()).toContain('Logged in as <strong>alice</strong>')
    })
  }

  it('rejects the pre-login cookie after login: within the grace window a 409 without a cookie, after it a fresh, anonymous session', async () => {
    let now = Date.now()
    const app = testApp({ repository: store().repository, clock: () => now, renewGraceSeconds: 30 })
    // The attacker obtains a valid session and plants its cookie in the victim's browser.
    const attacker = app.client()
    await attacker.request('/private')
    const planted = attacker.jar.get('sid')!
    const victim = replay(app, planted)
    expect((await login(victim, 'victim', 'json')).status).toBe(200)

    // A request racing the login with the old cookie is refused and sets no cookie over the new one.
    const racing = replay(app, planted)
    const refused = await racing.request('/private')
    expect(refused.status).toBe(409)
    expect(refused.headers.get('retry-after')).toBe('1')
    expect(refused.headers.getSetCookie()).toEqual([])

    now += 31_000
    const replayed = replay(app, planted)
    expect(await (await replayed.request('/')).text()).toContain('Not logged in.')
    expect(await (await replayed.request('/private')).text()).toBe('The /private page has been visited 1 times.')
    expect(idOf(replayed.jar.get('sid')!)).not.toBe(idOf(planted))
    expect(idOf(replayed.jar.get('sid')!)).not.toBe(idOf(victim.jar.get('sid')!))
    // The victim is still logged in under the new id.
    expect(await (await victim.request('/')).text()).toContain('Logged in as <strong>victim</strong>')
  })

  it('logs in a visitor who had no session yet', async () => {
    const app = testApp({ repository: store().repository })
    const bob = app.client()
    expect((await login(bob, 'bob', 'json')).status).toBe(200)
    expect(await store().holds(expectedKeyFor(idOf(bob.jar.get('sid')!)))).toBe(true)
    expect(await (await bob.request('/')).text()).toContain('Logged in as <strong>bob</strong>')
  })

  for (const kind of ['json', 'form'] as const) {
    it(`POST /logout (${kind}) deletes the stored session and expires the cookie; the old cookie then gets a new session`, async () => {
      const app = testApp({ repository: store().repository })
      const alice = app.client()
      await login(alice, 'alice', 'json')
      await alice.request('/private')
      const cookie = alice.jar.get('sid')!
      const key = expectedKeyFor(idOf(cookie))
      expect(await store().holds(key)).toBe(true)

      const response = await logout(alice, kind)
      expect(response.status).toBe(kind === 'json' ? 204 : 303)
      expect(response.headers.get('cache-control')).toBe('private, no-store')
      const lines = response.headers.getSetCookie()
      expect(lines).toHaveLength(1)
      const expired = cookieAttributes(lines[0]!)
      expect(expired.name).toBe('sid')
      expect(expired.value).toBe('')
      expect(expired.attributes.get('max-age')).toBe('0')
      expect(expired.attributes.get('expires')).toBe('Thu, 01 Jan 1970 00:00:00 GMT')
      expect(alice.jar.get('sid')).toBeUndefined()
      expect(await store().holds(key)).toBe(false)

      const reused = replay(app, cookie)
      expect(await (await reused.request('/')).text()).toContain('Not logged in.')
      expect(await (await reused.request('/private')).text()).toBe('The /private page has been visited 1 times.')
      expect(idOf(reused.jar.get('sid')!)).not.toBe(idOf(cookie))
    })
  }
})

describe('POST /login with an invalid body', () => {
  const cases: { name: string; headers: Record<string, string>; body?: string }[] = [
    { name: 'a JSON body without user', headers: jsonHeaders, body: '{}' },
    { name: 'an empty user', headers: jsonHeaders, body: '{"user":""}' },
    { name: 'a user of only spaces', headers: jsonHeaders, body: '{"user":"   "}' },
    { name: 'a 65-character user', headers: jsonHeaders, body: JSON.stringify({ user: 'x'.repeat(65) }) },
    { name: 'malformed JSON', headers: jsonHeaders, body: '{"user":' },
    { name: 'a number as user', headers: jsonHeaders, body: '{"user":5}' },
    { name: 'an array as user', headers: jsonHeaders, body: '{"user":["alice"]}' },
    { name: 'JSON null', headers: jsonHeaders, body: 'null' },
    { name: 'a JSON string', headers: jsonHeaders, body: '"alice"' },
    { name: 'an empty JSON body', headers: jsonHeaders, body: '' },
    { name: 'a form without user', headers: formHeaders(), body: 'name=alice' },
    { name: 'a form with an empty user', headers: formHeaders(), body: 'user=' },
    { name: 'a form with a 65-character user', headers: formHeaders(), body: `user=${'y'.repeat(65)}` },
    { name: 'a same-origin text/plain body', headers: { 'content-type': 'text/plain', origin: 'http://localhost' }, body: 'user=alice' },
  ]

  for (const { name, headers, body } of cases) {
    it(`answers 400 with a short message and leaves the session alone for ${name}`, async () => {
      const repository = new CountingRepository(new MemorySessionRepository())
      const app = testApp({ repository })
      const alice = app.client()
      await alice.request('/private')
      const cookie = alice.jar.get('sid')!
      repository.reset()

      const response = await alice.request('/login', { method: 'POST', headers, ...(body === undefined ? {} : { body }) })
      expect(response.status).toBe(400)
      const message = await response.text()
      expect(message.length).toBeGreaterThan(0)
      expect(message.length).toBeLessThanOrEqual(100)
      expect(response.headers.getSetCookie()).toEqual([])
      expect(repository.calls).toEqual([])
      expect(alice.jar.get('sid')).toBe(cookie)
    })
  }

  it('accepts a user of exactly 64 characters', async () => {
    const app = testApp()
    const response = await app.client().request('/login', { method: 'POST', headers: jsonHeaders, body: JSON.stringify({ user: 'z'.repeat(64) }) })
    expect(response.status).toBe(200)
  })

  it('writes no session for a visitor without one', async () => {
    const repository = new MemorySessionRepository()
    const app = testApp({ repository })
    const response = await app.client().request('/login', { method: 'POST', headers: jsonHeaders, body: '{"user":""}' })
    expect(response.status).toBe(400)
    expect(repository.size).toBe(0)
  })
})

describe('cross-site POSTs', () => {
  it('refuses a form POST to /login from another origin with 403 and writes nothing', async () => {
    const repository = new MemorySessionRepository()
    const app = testApp({ repository })
    const response = await app.client().request('/login', {
      method: 'POST',
      headers: formHeaders('https://evil.example'),
      body: 'user=mallory',
    })
    expect(response.status).toBe(403)
    expect(response.headers.getSetCookie()).toEqual([])
    expect(repository.size).toBe(0)
  })

  it('refuses a cross-site text/plain POST (a form with enctype=text/plain) and one marked Sec-Fetch-Site: cross-site', async () => {
    const app = testApp()
    const plain = await app.client().request('/login', {
      method: 'POST',
      headers: { 'content-type': 'text/plain', origin: 'https://evil.example' },
      body: '{"user":"mallory"}',
    })
    expect(plain.status).toBe(403)
    const marked = await app.client().request('/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'cross-site' },
      body: 'user=mallory',
    })
    expect(marked.status).toBe(403)
  })

  it('refuses a cross-site form POST to /logout, so another site cannot log a visitor out', async () => {
    const app = testApp()
    const alice = app.client()
    await login(alice, 'alice', 'json')
    const response = await alice.request('/logout', { method: 'POST', headers: formHeaders('https://evil.example') })
    expect(response.status).toBe(403)
    expect(await (await alice.request('/')).text()).toContain('Logged in as <strong>alice</strong>')
  })

  it('behind a trusted proxy, accepts a same-site form POST whose Origin is https while the app itself sees http', async () => {
    const headers = { ...formHeaders('https://localhost'), 'x-forwarded-proto': 'https' }
    const trusting = testApp({ trustProxy: true })
    expect((await trusting.client().request('/login', { method: 'POST', headers, body: 'user=alice' })).status).toBe(303)
    // Without TRUST_PROXY the forwarded scheme is not believed, so the origins differ.
    const untrusting = testApp()
    expect((await untrusting.client().request('/login', { method: 'POST', headers, body: 'user=alice' })).status).toBe(403)
  })
})
