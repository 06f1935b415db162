import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { MemorySessionRepository } from '../../src/adapters/memory-session-repository.js'
import { cookieSettings, serializeSessionCookie } from '../../src/http/session-cookie.js'
import { sessionMiddleware, type SessionEnv } from '../../src/http/session-middleware.js'
import { SESSION_DEFAULTS, type SessionMiddlewareOptions } from '../../src/http/session-options.js'
import { cookieAttributes, cookieClient, CookieJar } from '../support/cookie-jar.js'
import { SECRET } from '../support/secrets.js'

function cookieApp(options: Partial<SessionMiddlewareOptions> = {}) {
  const app = new Hono<SessionEnv>()
  app.use(sessionMiddleware({ repository: new MemorySessionRepository(), secret: SECRET, ...options }))
  app.get('*', async (c) => c.text(String(await c.var.session.increment('views'))))
  app.post('*', async (c) => {
    await c.var.session.destroy()
    return c.text('bye')
  })
  return (base: string) => cookieClient((url, init) => app.request(url, init), new CookieJar(), base)
}

const setCookie = (response: Response) => cookieAttributes(response.headers.getSetCookie()[0]!)

describe('cookie options', () => {
  it('by default, over HTTPS: __Host-sid with Secure, Path=/ and no Domain', async () => {
    const cookie = setCookie(await cookieApp()('https://app.example.com').request('/'))
    expect(cookie.name).toBe('__Host-sid')
    expect(cookie.attributes.get('path')).toBe('/')
    expect(cookie.attributes.has('domain')).toBe(false)
    expect(cookie.attributes.has('secure')).toBe(true)
  })

  it('cookieDomain shares the cookie with subdomains: __Secure- over HTTPS (a Domain rules out __Host-), plain over http', async () => {
    const open = cookieApp({ cookieDomain: 'example.com' })
    const browser = open('https://app.example.com')
    const first = setCookie(await browser.request('/'))
    expect(first.name).toBe('__Secure-sid')
    expect(first.attributes.get('domain')).toBe('example.com')
    expect(first.attributes.has('secure')).toBe(true)
    // The cookie is read back under the name it was set with.
    expect(await (await browser.request('/')).text()).toBe('2')
    const plain = setCookie(await open('http://app.example.com').request('/'))
    expect(plain.name).toBe('sid')
    expect(plain.attributes.get('domain')).toBe('example.com')
    expect(plain.attributes.has('secure')).toBe(false)
  })

  it('cookiePath scopes the cookie: __Secure- over HTTPS, since __Host- needs Path=/', async () => {
    const browser = cookieApp({ cookiePath: '/app' })('https://example.com')
    const first = setCookie(await browser.request('/app/page'))
    expect(first.name).toBe('__Secure-sid')
    expect(first.attributes.get('path')).toBe('/app')
    expect(first.attributes.has('domain')).toBe(false)
    expect(await (await browser.request('/app/page')).text()).toBe('2')
  })

  it('partitioned adds Partitioned and Secure, keeping __Host- over HTTPS', async () => {
    const open = cookieApp({ partitioned: true, sameSite: 'None' })
    const secure = setCookie(await open('https://example.com').request('/'))
    expect(secure.name).toBe('__Host-sid')
    expect(secure.attributes.has('partitioned')).toBe(true)
    expect(secure.attributes.has('secure')).toBe(true)
    expect(secure.attributes.get('samesite')).toBe('None')
    const local = setCookie(await open('http://localhost').request('/'))
    expect(local.attributes.has('partitioned')).toBe(true)
    expect(local.attributes.has('secure')).toBe(true)
  })

  it('persistentCookie: false gives a browser-session cookie (no Max-Age, no Expires), which logout still expires', async () => {
    const browser = cookieApp({ persistentCookie: false })('https://example.com')
    const first = setCookie(await browser.request('/'))
    expect(first.name).toBe('__Host-sid')
    expect(first.attributes.has('max-age')).toBe(false)
    expect(first.attributes.has('expires')).toBe(false)
    expect(await (await browser.request('/')).text()).toBe('2')
    const ending = setCookie(await browser.request('/', { method: 'POST' }))
    expect(ending.name).toBe('__Host-sid')
    expect(ending.value).toBe('')
    expect(ending.attributes.get('max-age')).toBe('0')
    expect(new Date(ending.attributes.get('expires')!).getTime()).toBe(0)
  })

  it('by default the cookie is persistent: Max-Age is the idle timeout', async () => {
    const first = setCookie(await cookieApp({ ttlSeconds: 600 })('https://example.com').request('/'))
    expect(first.attributes.get('max-age')).toBe('600')
  })

  it('caps Max-Age at 400 days, as browsers do, instead of failing for a longer lifetime', async () => {
    const days = 86_400
    const first = setCookie(await cookieApp({ ttlSeconds: 500 * days, maxAgeSeconds: 600 * days })('https://example.com').request('/'))
    expect(first.attributes.get('max-age')).toBe(String(400 * days))
  })

  it('a request may choose persistence against the default, both ways (for "remember me")', () => {
    const settings = (persistentCookie: boolean) => cookieSettings({ persistentCookie }, SESSION_DEFAULTS)
    const line = (persistentCookie: boolean, persistent?: boolean) =>
      cookieAttributes(serializeSessionCookie('__Host-sid', settings(persistentCookie), { value: 'v', maxAgeSeconds: 60, secure: true, persistent }))
    expect(line(true).attributes.get('max-age')).toBe('60')
    expect(line(true, false).attributes.has('max-age')).toBe(false)
    expect(line(false).attributes.has('max-age')).toBe(false)
    expect(line(false, true).attributes.get('max-age')).toBe('60')
  })
})

describe('option checks when the middleware is wired', () => {
  const wire = (options: Record<string, unknown>) => () =>
    sessionMiddleware({ repository: new MemorySessionRepository(), secret: SECRET, ...options } as SessionMiddlewareOptions)

  it.each<[Record<string, unknown>, string]>([
    [{ cookieDomain: 'exa mple.com' }, 'cookieDomain must be a host name such as example.com'],
    [{ cookieDomain: 'example.com; Secure' }, 'cookieDomain must be a host name such as example.com'],
    [{ cookieDomain: '' }, 'cookieDomain must be a host name such as example.com'],
    [{ cookiePath: 'app' }, 'cookiePath must start with / and hold only visible ASCII characters other than ;'],
    [{ cookiePath: '/a;b' }, 'cookiePath must start with / and hold only visible ASCII characters other than ;'],
    [{ cookiePath: '/a b' }, 'cookiePath must start with / and hold only visible ASCII characters other than ;'],
    [{ partitioned: 'yes' }, 'partitioned must be true or false'],
    [{ persistentCookie: 'no' }, 'persistentCookie must be true or false'],
    [{ sameSite: 'lax' }, 'sameSite must be Strict, Lax or None'],
    [{ cookieName: '__Host-sid' }, 'cookieName must not start with __Host- or __Secure-: the prefix is added over HTTPS'],
    [{ cookieName: 'a;b' }, "cookieName must be a cookie token (letters, digits, !#$%&'*+-.^_`|~)"],
    [{ maxCookieHeaderLength: 0 }, 'maxCookieHeaderLength must be a whole number, 1 or more'],
  ])('refuses %j with a one-line error naming the option', (options, message) => {
    expect(wire(options)).toThrow(new Error(`sessionMiddleware: ${message}`))
  })

  it.each<[string, unknown]>([
    ['undefined', undefined],
    ['null', null],
    ['an empty string', ''],
    ['an empty array', []],
    ['an array with an empty string', [SECRET, '']],
    ['a number', 42],
  ])('refuses a secret that is %s with a one-line error naming secret', (_label, secret) => {
    expect(wire({ secret })).toThrow(new Error('sessionMiddleware: secret is required: a non-empty string, or an array of non-empty strings'))
  })

  it('refuses a missing secret and a short one, naming secret', () => {
    expect(() => sessionMiddleware({ repository: new MemorySessionRepository() } as unknown as SessionMiddlewareOptions)).toThrow(
      /^sessionMiddleware: secret is required/,
    )
    expect(wire({ secret: 'short' })).toThrow(new Error('sessionMiddleware: secret: every secret must be at least 32 characters'))
  })

  it('accepts a leading-dot domain and a deep path', () => {
    expect(wire({ cookieDomain: '.example.com', cookiePath: '/a/b-c_d.e' })).not.toThrow()
  })
})
