import { describe, expect, it } from 'vitest'
import { MemorySessionRepository } from '../../src/adapters/memory-session-repository.js'
import { createCookieSigner } from '../../src/http/cookie-signer.js'
import { storageKeyFor } from '../../src/domain/session-id.js'
import { CookieJar, cookieAttributes } from '../support/cookie-jar.js'
import { testApp } from '../support/app.js'
import { SECRET } from '../support/secrets.js'

describe('GET /private', () => {
  it('counts visits per session: the first visit says 1 and sets the cookie, the next says 2', async () => {
    const { client } = testApp()
    const alice = client()
    const first = await alice.request('/private')
    expect(first.status).toBe(200)
    expect(first.headers.get('content-type')).toMatch(/^text\/plain/)
    expect(await first.text()).toBe('The /private page has been visited 1 times.')
    expect(alice.jar.get('sid')).toBeDefined()
    expect(await (await alice.request('/private')).text()).toBe('The /private page has been visited 2 times.')
    const bob = client()
    expect(await (await bob.request('/private')).text()).toBe('The /private page has been visited 1 times.')
    expect(await (await alice.request('/private')).text()).toBe('The /private page has been visited 3 times.')
  })

  it('sets a signed, HttpOnly, SameSite=Lax, Path=/ cookie whose Max-Age matches the TTL', async () => {
    const { client } = testApp({ ttlSeconds: 1234 })
    const response = await client().request('/private')
    const lines = response.headers.getSetCookie()
    expect(lines).toHaveLength(1)
    const cookie = cookieAttributes(lines[0]!)
    expect(cookie.name).toBe('sid')
    expect(cookie.value).toMatch(/^[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}$/)
    expect(cookie.attributes.get('max-age')).toBe('1234')
    expect(cookie.attributes.get('path')).toBe('/')
    expect(cookie.attributes.get('samesite')).toBe('Lax')
    expect(cookie.attributes.has('httponly')).toBe(true)
    expect(cookie.attributes.has('secure')).toBe(false)
    expect(response.headers.get('cache-control')).toBe('private, no-store')
  })

  it('marks the home page, which shows the session, as private and not storable, even without a new cookie', async () => {
    const { client } = testApp()
    const alice = client()
    await alice.request('/private')
    const home = await alice.request('/')
    expect(home.headers.getSetCookie()).toEqual([])
    expect(home.headers.get('cache-control')).toBe('private, no-store')
    expect(home.headers.get('vary')).toMatch(/\bCookie\b/)
    // A response that never looked at the session keeps its own caching.
    expect((await alice.request('/healthz')).headers.get('cache-control')).toBeNull()
  })

  it('caps the cookie Max-Age at the absolute deadline, even when the visit only increments', async () => {
    let now = 1_800_000_000_000
    const { client } = testApp({ ttlSeconds: 1000, maxAgeSeconds: 1500, clock: () => now })
    const alice = client()
    await alice.request('/private')
    now += 800_000
    const response = await alice.request('/private')
    expect(await response.text()).toContain('visited 2 times')
    expect(cookieAttributes(response.headers.getSetCookie()[0]!).attributes.get('max-age')).toBe('700')
  })

  it('marks the cookie Secure with the __Host- prefix when the request came over HTTPS', async () => {
    const { client } = testApp()
    const alice = client(new CookieJar(), 'https://example.test')
    const response = await alice.request('/private')
    const cookie = cookieAttributes(response.headers.getSetCookie()[0]!)
    expect(cookie.name).toBe('__Host-sid')
    expect(cookie.attributes.has('secure')).toBe(true)
    expect(await (await alice.request('/private')).text()).toContain('visited 2 times')
  })

  it('ignores X-Forwarded-Proto unless TRUST_PROXY is on', async () => {
    const untrusting = testApp()
    const plain = await untrusting.client().request('/private', { headers: { 'x-forwarded-proto': 'https' } })
    expect(cookieAttributes(plain.headers.getSetCookie()[0]!).attributes.has('secure')).toBe(false)
    const trusting = testApp({ trustProxy: true })
    const proxied = await trusting.client().request('/private', { headers: { 'x-forwarded-proto': 'https' } })
    const cookie = cookieAttributes(proxied.headers.getSetCookie()[0]!)
    expect(cookie.name).toBe('__Host-sid')
    expect(cookie.attributes.has('secure')).toBe(true)
  })

  it('uses the configured cookie name and SameSite', async () => {
    const { client } = testApp({ cookieName: 'app_session', sameSite: 'Strict' })
    const cookie = cookieAttributes((await client().request('/private')).headers.getSetCookie()[0]!)
    expect(cookie.name).toBe('app_session')
    expect(cookie.attributes.get('samesite')).toBe('Strict')
  })
})

describe('cookies that cannot be trusted', () => {
  const garbage = [
    'not-a-cookie',
    'a'.repeat(43) + '.' + 'b'.repeat(43),
    '%%%%',
    '',
    '.',
    'é'.repeat(50),
    'x'.repeat(3000),
  ]

  for (const value of garbage) {
    it(`answers 200 with a new session for the cookie value ${JSON.stringify(value.slice(0, 24))}`, async () => {
      const { client } = testApp()
      const response = await client().request('/private', { headers: { cookie: `sid=${value}` } })
      expect(response.status).toBe(200)
      expect(await response.text()).toBe('The /private page has been visited 1 times.')
      expect(response.headers.getSetCookie()).toHaveLength(1)
    })
  }

  it('issues a new cookie when the signature is invalid, and the store is never asked', async () => {
    const repository = new MemorySessionRepository()
    const { client } = testApp({ repository })
    const alice = client()
    await alice.request('/private')
    await alice.request('/private')
    const genuine = alice.jar.get('sid')!
    const tampered = genuine.slice(0, -2) + (genuine.endsWith('AA') ? 'BB' : 'AA')
    const mallory = client()
    mallory.jar.set('sid', tampered)
    const response = await mallory.request('/private')
    expect(await response.text()).toBe('The /private page has been visited 1 times.')
    expect(mallory.jar.get('sid')).not.toBe(tampered)
    expect(await (await alice.request('/private')).text()).toContain('visited 3 times')
  })

  it('never adopts a well-signed id the store does not know', async () => {
    const signer = createCookieSigner([SECRET])
    const { client, repository } = testApp()
    const unknownId = 'U'.repeat(43)
    const forged = client()
    forged.jar.set('sid', await signer.sign(unknownId))
    const response = await forged.request('/private')
    expect(await response.text()).toBe('The /private page has been visited 1 times.')
    const issued = forged.jar.get('sid')!
    expect(issued.startsWith(unknownId)).toBe(false)
    expect(await repository.load(await storageKeyFor(unknownId), Math.floor(Date.now() / 1000))).toBeNull()
  })

  it('finds the session in a long Cookie header, and never replaces it because a header was too long', async () => {
    const { client } = testApp()
    const alice = client()
    await alice.request('/private')
    const padded = `pad=${'p'.repeat(5000)}; ${alice.jar.header()}`
    expect(await (await alice.request('/private', { headers: { cookie: padded } })).text()).toBe('The /private page has been visited 2 times.')
    const oversized = await alice.request('/private', { headers: { cookie: `pad=${'p'.repeat(20_000)}; ${alice.jar.header()}` } })
    expect(oversized.status).toBe(431)
    expect(oversized.headers.getSetCookie()).toEqual([])
    expect(await (await alice.request('/private')).text()).toBe('The /private page has been visited 3 times.')
  })
})

describe('requests that do not touch the session', () => {
  it('write nothing and set no cookie', async () => {
    const repository = new MemorySessionRepository()
    const { client } = testApp({ repository })
    const response = await client().request('/healthz')
    expect(response.status).toBe(200)
    expect(response.headers.getSetCookie()).toEqual([])
    const home = await client().request('/')
    expect(home.status).toBe(200)
    expect(home.headers.getSetCookie()).toEqual([])
    expect(repository.size).toBe(0)
  })
})
