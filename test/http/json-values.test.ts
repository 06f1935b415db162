import { Hono } from 'hono'
import { expect, it } from 'vitest'
import { storageKeyFor } from '../../src/domain/session-id.js'
import { sessionMiddleware, type SessionEnv } from '../../src/http/session-middleware.js'
import { cookieClient, CookieJar } from '../support/cookie-jar.js'
import { SECRET } from '../support/secrets.js'
import { describeEachStore, type StoreFixture } from '../support/stores.js'
import { idOf } from '../security/cookies.js'

class Money {
  constructor(readonly cents: number) {}
}

/** Values a handler might try to keep, built fresh per request (a test sends only the name). */
const REFUSED: Record<string, () => unknown> = {
  date: () => new Date(0),
  map: () => new Map([['a', 1]]),
  set: () => new Set(['a']),
  'class instance': () => new Money(100),
  function: () => () => 1,
  'undefined in an array': () => ['a', undefined],
  NaN: () => Number.NaN,
  Infinity: () => Number.POSITIVE_INFINITY,
  'a Date deep in a cart': () => ({ cart: { items: [{ sku: 'a', added: new Date(0) }] } }),
}

const KEPT: Record<string, unknown> = {
  text: 'crème brûlée \u{1F36E}',
  numbers: [0, -1.25, 1e125, 1e-130, Number.MAX_SAFE_INTEGER],
  nested: { cart: { items: [{ sku: 'a', qty: 2 }], coupon: null, gift: false }, tags: [] },
  'a date as an ISO string': new Date(0).toISOString(),
  'a date as epoch milliseconds': 0,
}

/** An app with no onError: the errors answer themselves. */
function valueApp(store: StoreFixture) {
  const app = new Hono<SessionEnv>()
  app.use(sessionMiddleware({ repository: store.repository, secret: SECRET }))
  app.get('/start', async (c) => c.text(String(await c.var.session.increment('views'))))
  app.post('/refused/:name', (c) => {
    c.var.session.set('value', REFUSED[c.req.param('name')]!() as never)
    return c.text('saved')
  })
  app.post('/kept/:name', (c) => {
    c.var.session.set('value', KEPT[c.req.param('name')] as never)
    return c.text('saved')
  })
  app.post('/negative-zero', (c) => {
    c.var.session.set('value', { z: -0, list: [-0], gone: undefined })
    return c.text('saved')
  })
  return cookieClient((url, init) => app.request(url, init), new CookieJar(), 'http://localhost')
}

describeEachStore('session values are JSON values, the same on every store', (store) => {
  async function started() {
    const client = valueApp(store())
    expect(await (await client.request('/start')).text()).toBe('1')
    const key = await storageKeyFor(idOf(client.jar.get('sid')!))
    const stored = async () => (await store().repository.load(key, Math.floor(Date.now() / 1000)))!.data
    return { client, stored }
  }

  it.each(Object.keys(REFUSED))('a %s is refused at set with 400, and nothing is saved', async (name) => {
    const { client, stored } = await started()
    const response = await client.request(`/refused/${encodeURIComponent(name)}`, { method: 'POST' })
    expect(response.status).toBe(400)
    expect(await response.text()).toMatch(/^Session data refused: session values must be JSON values that come back unchanged; got .* at value.*; nothing was saved\.$/)
    expect(await stored()).toEqual({ views: 1 })
  })

  it.each(Object.keys(KEPT))('%s comes back from the store exactly as it was set', async (name) => {
    const { client, stored } = await started()
    expect((await client.request(`/kept/${encodeURIComponent(name)}`, { method: 'POST' })).status).toBe(200)
    expect((await stored()).value).toStrictEqual(KEPT[name])
  })

  it('-0 is kept as 0 and an undefined member is left out, on every store alike', async () => {
    const { client, stored } = await started()
    expect((await client.request('/negative-zero', { method: 'POST' })).status).toBe(200)
    const value = (await stored()).value as { z: number; list: number[] }
    expect(value).toStrictEqual({ z: 0, list: [0] })
    expect(Object.is(value.z, 0) && Object.is(value.list[0], 0)).toBe(true)
  })
})
