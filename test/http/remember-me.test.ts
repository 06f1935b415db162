import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { MemorySessionRepository, sessionMiddleware, type SessionEnv } from '../../src/index.js'
import { SECRET } from '../support/secrets.js'

// "Remember me" per session: setPersistent(false) gives a browser-session cookie (no
// Max-Age, no Expires) from then on, increment-only visits included; true brings Max-Age back.

function app(persistentCookie?: boolean) {
  const app = new Hono<SessionEnv>()
  app.use(sessionMiddleware({ repository: new MemorySessionRepository(), secret: SECRET, ...(persistentCookie === undefined ? {} : { persistentCookie }) }))
  app.post('/login', async (c) => {
    const { remember } = await c.req.json<{ remember: boolean }>()
    await c.var.session.login('ada')
    c.var.session.setPersistent(remember)
    return c.body(null, 204)
  })
  app.get('/visit', async (c) => c.text(String(await c.var.session.increment('views'))))
  return app
}

const setCookie = (response: Response) => response.headers.getSetCookie().find((line) => line.startsWith('sid='))!
const cookieOf = (response: Response) => setCookie(response).split(';')[0]!

describe('setPersistent: remember me, per session', () => {
  it('false: a browser-session cookie on the login and on every later visit', async () => {
    const a = app()
    const login = await a.request('/login', { method: 'POST', body: JSON.stringify({ remember: false }) })
    expect(setCookie(login)).not.toMatch(/Max-Age|Expires/i)
    const visit = await a.request('/visit', { headers: { cookie: cookieOf(login) } })
    expect(await visit.text()).toBe('1')
    expect(setCookie(visit)).not.toMatch(/Max-Age|Expires/i)
  })

  it('true overrides a browser-session default (persistentCookie: false)', async () => {
    const a = app(false)
    const first = await a.request('/visit')
    expect(setCookie(first)).not.toMatch(/Max-Age/i)
    const login = await a.request('/login', { method: 'POST', body: JSON.stringify({ remember: true }), headers: { cookie: cookieOf(first) } })
    expect(setCookie(login)).toMatch(/Max-Age=\d+/)
    const visit = await a.request('/visit', { headers: { cookie: cookieOf(login) } })
    expect(setCookie(visit)).toMatch(/Max-Age=\d+/)
  })
})
