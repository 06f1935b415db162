import { describe, expect, it } from 'vitest'
import { MemorySessionRepository } from '../../src/adapters/memory-session-repository.js'
import { loadConfig } from '../../src/server/config.js'
import { createApp } from '../../src/server/app.js'
import { testApp } from '../support/app.js'
import { CookieJar, cookieAttributes } from '../support/cookie-jar.js'
import { CountingRepository } from '../../src/testing/counting-repository.js'
import { NEW_SECRET } from '../support/secrets.js'
import { jsonHeaders } from './cookies.js'

const HTTPS = 'https://example.test'
const sessionCookie = (response: Response) => cookieAttributes(response.headers.getSetCookie()[0]!)

// test/http/session-cookie.test.ts covers the basic attributes, __Host- over HTTPS,
// the configured name and SameSite=Strict, and X-Forwarded-Proto being ignored by default.
describe('session cookie hardening', () => {
  it('over HTTPS sends a __Host- cookie with Secure, HttpOnly, Path=/ and no Domain, also for a custom name', async () => {
    const { client } = testApp({ cookieName: 'app_session' })
    const cookie = sessionCookie(await client(new CookieJar(), HTTPS).request('/private'))
    expect(cookie.name).toBe('__Host-app_session')
    expect(cookie.attributes.has('secure')).toBe(true)
    expect(cookie.attributes.has('httponly')).toBe(true)
    expect(cookie.attributes.get('path')).toBe('/')
    expect(cookie.attributes.has('domain')).toBe(false)
  })

  it('over HTTPS ignores a plain-named cookie (one a sibling subdomain or an http page could plant), even a validly signed one', async () => {
    const repository = new CountingRepository(new MemorySessionRepository())
    const app = testApp({ repository })
    const overHttp = app.client()
    await overHttp.request('/private')
    await overHttp.request('/private')
    repository.reset()

    const jar = new CookieJar()
    jar.set('sid', overHttp.jar.get('sid')!)
    const overHttps = app.client(jar, HTTPS)
    expect(await (await overHttps.request('/private')).text()).toBe('The /private page has been visited 1 times.')
    expect(repository.readsAndChanges()).toEqual([])
    expect(jar.get('__Host-sid')).toBeDefined()
  })

  it('expires the __Host- cookie on logout with the attributes a browser needs to overwrite it (Secure, Path=/)', async () => {
    const { client } = testApp()
    const alice = client(new CookieJar(), HTTPS)
    await alice.request('/private')
    const response = await alice.request('/logout', { method: 'POST', headers: jsonHeaders })
    expect(response.status).toBe(204)
    const cookie = sessionCookie(response)
    expect(cookie.name).toBe('__Host-sid')
    expect(cookie.attributes.get('max-age')).toBe('0')
    expect(cookie.attributes.has('secure')).toBe(true)
    expect(cookie.attributes.get('path')).toBe('/')
  })

  it('always pairs SameSite=None with Secure, since browsers drop it otherwise', async () => {
    const { client } = testApp({ sameSite: 'None' })
    const cookie = sessionCookie(await client().request('/private'))
    expect(cookie.attributes.get('samesite')).toBe('None')
    expect(cookie.attributes.has('secure')).toBe(true)
  })

  describe('with TRUST_PROXY on', () => {
    const cases: { forwarded: string; url: string; secure: boolean }[] = [
      { forwarded: 'HTTPS', url: 'http://localhost', secure: true },
      { forwarded: 'https, http', url: 'http://localhost', secure: true },
      { forwarded: 'http', url: HTTPS, secure: false },
    ]
    for (const { forwarded, url, secure } of cases) {
      it(`lets X-Forwarded-Proto "${forwarded}" on ${url} decide: ${secure ? 'Secure __Host-sid' : 'plain sid'}`, async () => {
        const { client } = testApp({ trustProxy: true })
        const cookie = sessionCookie(await client(new CookieJar(), url).request('/private', { headers: { 'x-forwarded-proto': forwarded } }))
        expect(cookie.name).toBe(secure ? '__Host-sid' : 'sid')
        expect(cookie.attributes.has('secure')).toBe(secure)
      })
    }
  })

  it('with TRUST_PROXY off, a forged X-Forwarded-Proto: http cannot downgrade an HTTPS request', async () => {
    const { client } = testApp()
    const cookie = sessionCookie(await client(new CookieJar(), HTTPS).request('/private', { headers: { 'x-forwarded-proto': 'http' } }))
    expect(cookie.name).toBe('__Host-sid')
    expect(cookie.attributes.has('secure')).toBe(true)
  })

  it('takes the cookie name, SameSite and TRUST_PROXY from the environment', async () => {
    const config = loadConfig({
      SESSION_SECRET: NEW_SECRET,
      SESSION_COOKIE_NAME: 'app',
      SESSION_SAME_SITE: 'Strict',
      TRUST_PROXY: 'true',
    })
    const app = createApp({ session: { repository: new MemorySessionRepository(), ...config.session, secret: config.session.secrets } })
    const response = await app.request('http://localhost/private', { headers: { 'x-forwarded-proto': 'https' } })
    const cookie = sessionCookie(response)
    expect(cookie.name).toBe('__Host-app')
    expect(cookie.attributes.get('samesite')).toBe('Strict')
    expect(cookie.attributes.has('secure')).toBe(true)
  })
})
