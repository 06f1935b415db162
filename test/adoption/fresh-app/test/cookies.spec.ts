import { MemorySessionRepository } from 'hono-dynamodb-session'
import { describe, expect, it } from 'vitest'
import { shopApp } from './shop-app.js'
import { browser } from './support.js'

// Cookie options, and the prefix the cookie takes over HTTPS: __Host- where its rules
// allow it (Path=/, no Domain), else __Secure-.

const sessionCookie = (response: Response) => response.headers.getSetCookie().find((line) => /^(__Host-|__Secure-)?sid=/.test(line)) ?? ''

describe('the session cookie', () => {
  it('by default, over HTTPS: __Host-sid, Path=/, Secure, HttpOnly, SameSite=Lax, with Max-Age', async () => {
    const b = browser(shopApp({ repository: new MemorySessionRepository() }), 'https://shop.example.com')
    const line = sessionCookie(await b.fetch('/visit'))
    expect(line).toMatch(/^__Host-sid=/)
    expect(line).toMatch(/; Path=\/(;|$)/)
    expect(line).toMatch(/; Max-Age=\d+/)
    expect(line).toMatch(/; Secure/)
    expect(line).toMatch(/; HttpOnly/)
    expect(line).toMatch(/; SameSite=Lax/)
    expect(line).not.toMatch(/Domain=/)
  })

  it('cookieDomain, cookiePath, partitioned and persistentCookie: false give a __Secure- browser-session cookie', async () => {
    const app = shopApp({ repository: new MemorySessionRepository(), cookieDomain: 'example.com', cookiePath: '/shop', partitioned: true, persistentCookie: false })
    const b = browser(app, 'https://shop.example.com')
    const line = sessionCookie(await b.fetch('/visit'))
    expect(line).toMatch(/^__Secure-sid=/)
    expect(line).toMatch(/; Domain=example\.com/)
    expect(line).toMatch(/; Path=\/shop/)
    expect(line).toMatch(/; Partitioned/)
    expect(line).not.toMatch(/Max-Age|Expires/i)
  })

  it('setPersistent(true) remembers a visitor whom the default would forget, and holds on later visits', async () => {
    const b = browser(shopApp({ repository: new MemorySessionRepository(), persistentCookie: false }))
    expect(sessionCookie(await b.fetch('/visit'))).not.toMatch(/Max-Age/)
    expect(sessionCookie(await b.post('/remember/yes'))).toMatch(/Max-Age=\d+/)
    expect(sessionCookie(await b.fetch('/visit'))).toMatch(/Max-Age=\d+/)
    expect(sessionCookie(await b.post('/remember/no'))).not.toMatch(/Max-Age|Expires/i)
  })
})
