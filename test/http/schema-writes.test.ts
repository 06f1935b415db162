import { Hono } from 'hono'
import { expect, it } from 'vitest'
import { z } from 'zod'
import { storageKeyFor } from '../../src/domain/session-id.js'
import type { Session } from '../../src/domain/session-api.js'
import type { StandardSchema } from '../../src/domain/standard-schema.js'
import { sessionMiddleware } from '../../src/http/session-middleware.js'
import { cookieClient, CookieJar } from '../support/cookie-jar.js'
import { SECRET } from '../support/secrets.js'
import { describeEachStore, type StoreFixture } from '../support/stores.js'
import { idOf } from '../security/cookies.js'

// The schema checks writes as well as reads: a write it refuses answers 400 naming the
// key and saves nothing (no onError in these apps: the error answers itself). Conflict
// checks compare what is stored, so a key the schema strips never causes a 409.

const Profile = z.object({
  first: z.string().min(1),
  last: z.string().min(1),
  age: z.number().int().min(0).optional(),
  tags: z.array(z.string()).max(3).optional(),
})
/** Same shape, but one check is asynchronous, so validate() returns a Promise. */
const AsyncNick = z.object({ nick: z.string().refine(async (nick) => nick !== 'admin', 'that nick is reserved').optional() })
/** Knows only `views`; zod strips every other key from what it reads. */
const ViewsOnly = z.object({ views: z.number().optional() })

/** An app over `schema` whose routes do what the path says with an untyped session (the wire format is JSON). */
function schemaApp(store: StoreFixture, schema: StandardSchema) {
  const app = new Hono()
  app.use(sessionMiddleware({ repository: store.repository, secret: SECRET, schema: schema as StandardSchema<Record<string, never>> }))
  const session = (c: { get(key: 'session'): unknown }) => c.get('session') as Session
  app.post('/set', async (c) => {
    const body = await c.req.json<Record<string, unknown>>()
    for (const [key, value] of Object.entries(body)) session(c).set(key, value)
    return c.text('saved')
  })
  app.post('/delete/:key', (c) => {
    session(c).delete(c.req.param('key'))
    return c.text('deleted')
  })
  app.post('/add-tag/:tag', async (c) => {
    const tags = await session(c).update<string[]>('tags', (tags) => [...(tags ?? []), c.req.param('tag')])
    return c.json(tags)
  })
  app.post('/touch/:key', async (c) => {
    const value = await session(c).get<string>(c.req.param('key'))
    session(c).set(c.req.param('key'), `${value ?? ''}+`)
    return c.text('touched')
  })
  const client = cookieClient((url, init) => app.request(url, init), new CookieJar(), 'http://localhost')
  const post = (path: string, body?: unknown) =>
    client.request(path, { method: 'POST', ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }) })
  const stored = async () => {
    const key = await storageKeyFor(idOf(client.jar.get('sid')!))
    return (await store.repository.load(key, Math.floor(Date.now() / 1000)))?.data
  }
  return { post, stored }
}

describeEachStore('the schema checks writes', (store) => {
  it('a set it refuses answers 400 naming the key, and nothing of the request is saved', async () => {
    const { post, stored } = schemaApp(store(), Profile)
    expect((await post('/set', { first: 'Ada', last: 'Lovelace' })).status).toBe(200)
    const refused = await post('/set', { last: 'Byron', age: -3 })
    expect(refused.status).toBe(400)
    expect(await refused.text()).toMatch(/session key "age"/)
    expect(await stored()).toEqual({ first: 'Ada', last: 'Lovelace' })
  })

  it('issues about keys not written yet do not refuse a write: set first, then last, in one request', async () => {
    const { post, stored } = schemaApp(store(), Profile)
    // Alone, {first} lacks the required `last`: that issue is about `last`, not this write.
    const response = await post('/set', { first: 'Grace', last: 'Hopper' })
    expect(response.status).toBe(200)
    expect(await stored()).toEqual({ first: 'Grace', last: 'Hopper' })
  })

  it('a delete it refuses (a required key) answers 400, and the key stays', async () => {
    const { post, stored } = schemaApp(store(), Profile)
    await post('/set', { first: 'Ada', last: 'Lovelace', age: 36 })
    expect((await post('/delete/age')).status).toBe(200)
    const refused = await post('/delete/first')
    expect(refused.status).toBe(400)
    expect(await refused.text()).toMatch(/session key "first"/)
    expect(await stored()).toEqual({ first: 'Ada', last: 'Lovelace' })
  })

  it('an update() it refuses answers 400 and writes nothing', async () => {
    const { post, stored } = schemaApp(store(), Profile)
    await post('/set', { first: 'Ada', last: 'Lovelace' })
    for (const tag of ['a', 'b', 'c']) expect((await post(`/add-tag/${tag}`)).status).toBe(200)
    const refused = await post('/add-tag/d')
    expect(refused.status).toBe(400)
    expect(await refused.text()).toMatch(/session key "tags"/)
    expect(await stored()).toEqual({ first: 'Ada', last: 'Lovelace', tags: ['a', 'b', 'c'] })
  })

  it('an asynchronous schema is asked at the save: still 400, nothing saved', async () => {
    const { post, stored } = schemaApp(store(), AsyncNick)
    expect((await post('/set', { nick: 'ann' })).status).toBe(200)
    const refused = await post('/set', { nick: 'admin' })
    expect(refused.status).toBe(400)
    expect(await refused.text()).toMatch(/session key "nick": that nick is reserved/)
    expect(await stored()).toEqual({ nick: 'ann' })
  })

  it('a strict schema refuses a key it does not know, naming it', async () => {
    const { post, stored } = schemaApp(store(), z.strictObject({ views: z.number().optional() }))
    expect((await post('/set', { views: 1 })).status).toBe(200)
    const refused = await post('/set', { extra: 'x' })
    expect(refused.status).toBe(400)
    expect(await refused.text()).toMatch(/session key "extra"/)
    expect(await stored()).toEqual({ views: 1 })
  })

  it('a key the schema strips never causes a 409: read-then-write of it compares what is stored', async () => {
    const { post, stored } = schemaApp(store(), ViewsOnly)
    expect((await post('/set', { views: 1, coupon: 'SPRING' })).status).toBe(200)
    // Each visit reads `coupon` (the schema's output has none, so the handler sees undefined) and writes it.
    for (let i = 0; i < 4; i++) expect((await post('/touch/coupon')).status).toBe(200)
    expect(await stored()).toEqual({ views: 1, coupon: '+' })
  })
})
