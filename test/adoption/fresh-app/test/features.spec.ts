import { describe, expect, it } from 'vitest'
import { shopApp, type ShopOptions } from './shop-app.js'
import { barrier, bothStores, browser } from './support.js'

// Issue 21's items through the public entry, on the memory store and on DynamoDB Local.

for (const store of bothStores()) describe(`on ${store.name}`, () => {
  /** An app and a browser that has a session with an empty cart. */
  async function started(options: Partial<ShopOptions> = {}, latencyMs = 0) {
    const app = shopApp({ repository: await store.make({ latencyMs }), ...options })
    const b = browser(app)
    expect(await (await b.fetch('/is-new')).json()).toBe(true)
    expect((await b.fetch('/visit')).status).toBe(200)
    expect(await (await b.fetch('/is-new')).json()).toBe(false)
    return { app, b }
  }

  it('the schema refuses a write at once: 400 naming the key, nothing of the request saved', async () => {
    const { b } = await started()
    expect((await b.post('/name', 'Ada')).status).toBe(200)
    const refused = await b.post('/name', 'A'.repeat(41))
    expect(refused.status).toBe(400)
    expect(await refused.text()).toMatch(/"name"/)
    expect((await b.post('/cart/apple')).status).toBe(200)
    expect(await (await b.fetch('/cart')).json()).toEqual(['apple'])
  })

  it('values are JSON only: a Date is refused with 400, pointing at how to store a date', async () => {
    const { b } = await started()
    const refused = await b.post('/note-as-date')
    expect(refused.status).toBe(400)
    expect(await refused.text()).toMatch(/Date.*ISO string or epoch milliseconds/)
  })

  it('update(): six parallel add-to-cart requests all succeed, and the cart holds all six', async () => {
    const { b } = await started({}, 1)
    const skus = ['a', 'b', 'c', 'd', 'e', 'f']
    const responses = await Promise.all(skus.map((sku) => b.post(`/cart/${sku}`)))
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200])
    expect(((await (await b.fetch('/cart')).json()) as string[]).sort()).toEqual(skus)
  })

  it('read-then-set from parallel requests: one lands, the others answer 409 (no onError) and save nothing', async () => {
    const { b } = await started({ beforeWrite: barrier(4) })
    const responses = await Promise.all(['a', 'b', 'c', 'd'].map((sku) => b.post(`/cart-read-then-set/${sku}`)))
    expect(responses.map((r) => r.status).sort()).toEqual([200, 409, 409, 409])
    expect(await responses.find((r) => r.status === 409)!.text()).toMatch(/changed by another request/)
    expect(await (await b.fetch('/cart')).json()).toHaveLength(1)
  })

  it('a session past maxBytes answers 413 and saves nothing', async () => {
    const { b } = await started({ maxBytes: 1024 })
    expect((await b.post('/note/100')).status).toBe(200)
    const refused = await b.post('/note/2000')
    expect(refused.status).toBe(413)
    expect((await b.post('/cart/apple')).status).toBe(200)
  })

  it('a flash message is read once', async () => {
    const { b } = await started()
    expect((await b.post('/flash')).status).toBe(200)
    expect(await (await b.fetch('/flash')).json()).toEqual({ notice: 'Saved!' })
    expect(await (await b.fetch('/flash')).json()).toEqual({ notice: null })
  })
})

describe('the memory store reaches the conflict path in tests', () => {
  it('with latencyMs, parallel read-then-set requests interleave and meet 409s, as they would on DynamoDB', async () => {
    const [memory] = bothStores()
    const b = browser(shopApp({ repository: await memory!.make({ latencyMs: 2 }) }))
    await b.fetch('/visit')
    const responses = await Promise.all(['a', 'b', 'c', 'd', 'e', 'f'].map((sku) => b.post(`/cart-read-then-set/${sku}`)))
    const statuses = responses.map((r) => r.status)
    expect(statuses).toContain(409)
    expect(statuses.every((s) => s === 200 || s === 409)).toBe(true)
    expect(await (await b.fetch('/cart')).json()).toHaveLength(statuses.filter((s) => s === 200).length)
  })
})
