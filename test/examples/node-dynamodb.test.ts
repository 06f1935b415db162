import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort } from '../../scripts/dynamodb-local.js'
import { endpoint, uniqueTableName } from '../support/dynamodb.js'
import { SECRET } from '../support/secrets.js'
import { spawnAndWaitForHealth, type ServerProcess } from '../support/server-process.js'
import { buildExample, cookieOf, installExample } from './support/example-install.js'

/** One browser: keeps the session cookie between requests, as curl's jar does. */
class Browser {
  cookie: string | null = null
  constructor(readonly base: string) {}

  async send(method: string, path: string, body?: unknown): Promise<{ status: number; json: any; setCookies: string[] }> {
    const headers: Record<string, string> = {}
    if (this.cookie) headers.cookie = this.cookie
    if (body !== undefined) headers['content-type'] = 'application/json'
    const response = await fetch(`${this.base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
    const setCookies = response.headers.getSetCookie()
    const sid = cookieOf(setCookies, 'sid')
    if (sid) this.cookie = sid.endsWith('=') ? null : sid
    const text = await response.text()
    return { status: response.status, json: text && response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text, setCookies }
  }
}

describe('examples/node-dynamodb, installed from the packed tarball, on DynamoDB Local', () => {
  const work = mkdtempSync(join(tmpdir(), 'example-node-dynamodb-'))
  const table = uniqueTableName('example-node')
  let dir = ''
  let server: ServerProcess | null = null

  const start = async (port?: number) =>
    spawnAndWaitForHealth(
      process.execPath,
      [join(dir, 'dist/server.js')],
      { DYNAMODB_ENDPOINT: endpoint(), SESSION_TABLE: table, SESSION_SECRET: SECRET, HOST: '127.0.0.1' },
      port ?? (await freePort()),
      { name: 'examples/node-dynamodb', timeoutMs: 60_000 },
    )

  beforeAll(async () => {
    dir = (await installExample('node-dynamodb', work)).dir
    await buildExample(dir)
  }, 400_000)

  afterAll(async () => {
    await server?.stop()
    rmSync(work, { recursive: true, force: true })
  })

  it('counts visits, keeps a cart, logs in with a new id, survives a restart and logs out', async () => {
    server = await start()
    const ada = new Browser(server.url)

    expect((await ada.send('GET', '/')).json).toEqual({ user: null, visits: 1, items: 0 })
    const anonymous = ada.cookie
    expect(anonymous).toMatch(/^sid=[\w-]{43}\.[\w-]{43}$/)

    expect((await ada.send('POST', '/cart', { sku: 'tea' })).json).toEqual({ cart: [{ sku: 'tea', quantity: 1 }] })
    expect((await ada.send('POST', '/cart', { sku: 'tea', quantity: 2 })).json).toEqual({ cart: [{ sku: 'tea', quantity: 3 }] })
    expect((await ada.send('POST', '/cart', { sku: '' })).status).toBe(400)

    // Login: the data moves to a fresh id; the pre-login cookie no longer reaches it.
    const login = await ada.send('POST', '/login', { user: 'ada' })
    expect(login.status).toBe(200)
    expect(ada.cookie).not.toBe(anonymous)
    expect((await ada.send('GET', '/')).json).toEqual({ user: 'ada', visits: 2, items: 1 })
    const me = await ada.send('GET', '/me')
    expect(me.json.user).toBe('ada')
    expect(me.json.sessions).toHaveLength(1)
    expect(me.json.sessions[0].current).toBe(true)
    expect(new Date(me.json.loggedInAt).getTime()).toBeGreaterThan(Date.now() - 60_000)

    const thief = new Browser(server.url)
    thief.cookie = anonymous
    const stolen = await thief.send('GET', '/')
    expect([409, 200]).toContain(stolen.status)
    if (stolen.status === 200) expect(stolen.json).toEqual({ user: null, visits: 1, items: 0 })

    // The session is in DynamoDB: a new process on the same table carries on.
    const port = server.port
    await server.stop()
    server = await start(port)
    expect((await ada.send('GET', '/')).json).toEqual({ user: 'ada', visits: 3, items: 1 })

    // A cross-site form post is refused by csrf() before it reaches the session.
    const forged = await fetch(`${server.url}/logout`, {
      method: 'POST',
      headers: { cookie: ada.cookie!, origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
      body: '',
    })
    expect(forged.status).toBe(403)

    const logout = await ada.send('POST', '/logout', {})
    expect(logout.status).toBe(204)
    expect(logout.setCookies.some((l) => /^sid=;/.test(l) && /Max-Age=0/i.test(l))).toBe(true)
    expect((await ada.send('GET', '/')).json).toEqual({ user: null, visits: 1, items: 0 })

    // Six parallel adds to one cart (session.update()): every one succeeds, and the cart holds all six.
    const adds = await Promise.all(['a', 'b', 'c', 'd', 'e', 'f'].map((sku) => ada.send('POST', '/cart', { sku })))
    expect(adds.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200])
    const cart = (await ada.send('GET', '/cart')).json.cart as Array<{ sku: string; quantity: number }>
    expect(cart.map((line) => line.sku).sort()).toEqual(['a', 'b', 'c', 'd', 'e', 'f'])
  }, 120_000)
})
