import { describe, expect, it } from 'vitest'
import type { DeviceSession } from '../../src/domain/session-api.js'
import { testApp } from '../support/app.js'
import { formHeaders, jsonHeaders } from '../security/cookies.js'

type App = ReturnType<typeof testApp>
type Client = ReturnType<App['client']>

type Listed = DeviceSession

const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0'

async function loggedIn(app: App, user: string, userAgent = FIREFOX): Promise<Client> {
  const client = app.client()
  const response = await client.request('/login', {
    method: 'POST',
    headers: { ...jsonHeaders, 'user-agent': userAgent },
    body: JSON.stringify({ user }),
  })
  expect(response.status).toBe(200)
  return client
}

async function list(client: Client): Promise<Listed[]> {
  const response = await client.request('/sessions')
  expect(response.status).toBe(200)
  return ((await response.json()) as { sessions: Listed[] }).sessions
}

const count = async (client: Client) => Number(/visited (\d+) times/.exec(await (await client.request('/private')).text())?.[1])

describe('the demo routes for a user\'s sessions (in process, memory store)', () => {
  it('GET /sessions lists exactly the documented fields, one current; 401 when not logged in, or after logout', async () => {
    const app = testApp()
    const a = await loggedIn(app, 'alice')
    await loggedIn(app, 'alice', 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15')
    const sessions = await list(a)
    expect(sessions).toHaveLength(2)
    for (const s of sessions) expect(Object.keys(s).sort()).toEqual(['createdAt', 'current', 'handle', 'lastSeenAt', 'userAgent'])
    expect(sessions.filter((s) => s.current)).toHaveLength(1)
    expect(sessions.find((s) => s.current)?.userAgent).toMatch(/Firefox/)

    const anonymous = app.client()
    const refused = await anonymous.request('/sessions')
    expect(refused.status).toBe(401)
    expect(await refused.json()).toEqual({ error: 'Not logged in.' })
    expect(refused.headers.getSetCookie()).toEqual([])

    expect((await a.request('/logout', { method: 'POST', headers: jsonHeaders })).status).toBe(204)
    expect((await a.request('/sessions')).status).toBe(401)
  })

  it('DELETE /sessions/:handle ends that session (204); an unknown, an overlong or another user\'s handle is 404', async () => {
    const app = testApp()
    const a1 = await loggedIn(app, 'alice')
    const a2 = await loggedIn(app, 'alice')
    const bob = await loggedIn(app, 'bob')
    await count(a2)
    const a2Handle = (await list(a2)).find((s) => s.current)!.handle
    const bobHandle = (await list(bob))[0]!.handle

    for (const handle of [bobHandle, 'no-such-handle', 'x'.repeat(300)]) {
      const response = await a1.request(`/sessions/${handle}`, { method: 'DELETE', headers: jsonHeaders })
      expect(response.status, handle).toBe(404)
      expect(await response.json()).toEqual({ error: 'No such session.' })
    }
    expect(await list(bob)).toHaveLength(1)

    const revoked = await a1.request(`/sessions/${a2Handle}`, { method: 'DELETE', headers: jsonHeaders })
    expect(revoked.status).toBe(204)
    expect(await count(a2)).toBe(1)
    expect((await list(a1)).map((s) => s.current)).toEqual([true])
    // Gone now: the same handle again is 404.
    expect((await a1.request(`/sessions/${a2Handle}`, { method: 'DELETE', headers: jsonHeaders })).status).toBe(404)
    expect((await app.client().request(`/sessions/${bobHandle}`, { method: 'DELETE', headers: jsonHeaders })).status).toBe(401)
  })

  it('POST /sessions/revoke-others keeps only this session; POST /logout {"everywhere":true} ends them all; bob keeps his', async () => {
    const app = testApp()
    const [a1, a2, a3] = [await loggedIn(app, 'alice'), await loggedIn(app, 'alice'), await loggedIn(app, 'alice')]
    const bob = await loggedIn(app, 'bob')
    for (const c of [a1, a2, a3, bob]) await count(c)

    expect((await a1.request('/sessions/revoke-others', { method: 'POST', headers: jsonHeaders })).status).toBe(204)
    expect((await list(a1)).map((s) => s.current)).toEqual([true])
    expect(await count(a2)).toBe(1)
    expect(await count(a1)).toBe(2)

    const a4 = await loggedIn(app, 'alice')
    const everywhere = await a1.request('/logout', { method: 'POST', headers: jsonHeaders, body: JSON.stringify({ everywhere: true }) })
    expect(everywhere.status).toBe(204)
    expect(everywhere.headers.getSetCookie().join()).toMatch(/Max-Age=0/i)
    expect(await count(a4)).toBe(1)
    expect(await count(a1)).toBe(1)
    expect(await count(bob)).toBe(2)
    expect(await list(bob)).toHaveLength(1)
  })

  it('refuses a bad logout body with 400 and a short message, and keeps the session', async () => {
    const app = testApp()
    const a = await loggedIn(app, 'alice')
    const bad = await a.request('/logout', { method: 'POST', headers: jsonHeaders, body: JSON.stringify({ everywhere: 'yes' }) })
    expect(bad.status).toBe(400)
    expect(await bad.text()).toBe('everywhere must be true or false')
    expect(await list(a)).toHaveLength(1)
  })

  it('the home page lists the sessions with a revoke form each; the forms revoke, revoke the others and log out everywhere', async () => {
    const app = testApp()
    const a1 = await loggedIn(app, 'alice')
    const a2 = await loggedIn(app, 'alice', 'curl/8.5.0')
    const a3 = await loggedIn(app, 'alice')
    const page = await (await a1.request('/')).text()
    expect(page).toContain('Logged in as <strong>alice</strong>.')
    expect(page).toContain('<style>')
    expect(page).toContain('this device')
    const handles = (await list(a1)).filter((s) => !s.current).map((s) => s.handle)
    for (const h of handles) expect(page).toContain(`action="/sessions/${h}/revoke"`)
    expect(page.match(/\/revoke"/g)).toHaveLength(2)

    const a2Handle = (await list(a2)).find((s) => s.current)!.handle
    const form = await a1.request(`/sessions/${a2Handle}/revoke`, { method: 'POST', headers: formHeaders(), body: '' })
    expect(form.status).toBe(303)
    expect(form.headers.get('location')).toBe('/')
    expect(await count(a2)).toBe(1)

    const others = await a1.request('/sessions/revoke-others', { method: 'POST', headers: formHeaders(), body: '' })
    expect(others.status).toBe(303)
    expect(await list(a1)).toHaveLength(1)
    expect(await count(a3)).toBe(1)

    const a4 = await loggedIn(app, 'alice')
    const out = await a1.request('/logout', { method: 'POST', headers: formHeaders(), body: 'everywhere=true' })
    expect(out.status).toBe(303)
    expect(await count(a4)).toBe(1)
    expect(await (await a1.request('/')).text()).toContain('Not logged in.')
  })

  it('refuses cross-site form posts (403) to every new state-changing route, as for login and logout', async () => {
    const app = testApp()
    const a1 = await loggedIn(app, 'alice')
    const a2 = await loggedIn(app, 'alice')
    const handle = (await list(a2)).find((s) => s.current)!.handle
    const evil = formHeaders('https://evil.example')
    const attempts = [
      a1.request(`/sessions/${handle}/revoke`, { method: 'POST', headers: evil, body: '' }),
      a1.request('/sessions/revoke-others', { method: 'POST', headers: evil, body: '' }),
      a1.request('/logout', { method: 'POST', headers: evil, body: 'everywhere=true' }),
      // No content type counts as text/plain, a type a cross-site page can send without preflight.
      a1.request(`/sessions/${handle}`, { method: 'DELETE', headers: { origin: 'https://evil.example' } }),
      a1.request('/sessions/revoke-others', { method: 'POST', headers: { origin: 'https://evil.example' } }),
    ]
    for (const response of await Promise.all(attempts)) expect(response.status).toBe(403)
    expect(await list(a1)).toHaveLength(2)
  })

  it('HEAD /sessions leaves the session alone: no cookie, no listing', async () => {
    const app = testApp()
    const response = await app.client().request('/sessions', { method: 'HEAD' })
    expect(response.status).toBe(200)
    expect(response.headers.getSetCookie()).toEqual([])
  })
})
