import { Hono, type MiddlewareHandler } from 'hono'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { MemorySessionRepository } from '../../src/adapters/memory-session-repository.js'
import { newStoredSession } from '../../src/domain/session.js'
import { generateSessionId, storageKeyFor } from '../../src/domain/session-id.js'
import { createCookieSigner } from '../../src/http/cookie-signer.js'
import { sessionErrorResponse } from '../../src/http/session-errors.js'
import { sessionMiddleware, type SessionEnv } from '../../src/http/session-middleware.js'
import { SECRET } from '../support/secrets.js'

const Data = z.object({ views: z.number().int().nonnegative().optional(), user: z.string().max(64).optional() })
type Data = z.infer<typeof Data>

async function appWithStored(data: Record<string, unknown>) {
  const repository = new MemorySessionRepository()
  const now = Math.floor(Date.now() / 1000)
  const id = generateSessionId()
  await repository.create(newStoredSession(await storageKeyFor(id), data, now, { ttlSeconds: 3600, maxAgeSeconds: 86_400 }))
  const warnings: Array<{ message: string; details: Record<string, unknown> }> = []
  const app = new Hono<SessionEnv<Data>>()
  app.use(sessionMiddleware({ repository, secret: SECRET, schema: Data, onWarning: (message, details) => warnings.push({ message, details }) }))
  app.onError((error, c) => sessionErrorResponse(error, c) ?? c.text('unexpected', 500))
  app.get('/', async (c) => c.json({ user: (await c.var.session.get('user')) ?? null, views: (await c.var.session.get('views')) ?? 0 }))
  app.get('/visit', async (c) => {
    await c.var.session.all()
    return c.text(String(await c.var.session.increment('views')))
  })
  const cookie = `sid=${await createCookieSigner([SECRET]).sign(id)}`
  return { app, cookie, warnings, id }
}

describe('a Standard Schema (zod 4) over the stored data', () => {
  it('passes valid data through to the handler', async () => {
    const { app, cookie, warnings } = await appWithStored({ views: 3, user: 'ann' })
    const response = await app.request('/', { headers: { cookie } })
    expect(await response.json()).toEqual({ user: 'ann', views: 3 })
    expect(warnings).toEqual([])
  })

  it('treats data that fails it as no session: a new session, a warning, never a 500', async () => {
    const { app, cookie, warnings } = await appWithStored({ views: 'seven', user: 'ann' })
    const read = await app.request('/', { headers: { cookie } })
    expect(read.status).toBe(200)
    expect(await read.json()).toEqual({ user: null, views: 0 })
    const visit = await app.request('/visit', { headers: { cookie } })
    expect(visit.status).toBe(200)
    expect(await visit.text()).toBe('1')
    // The new session has a new id: the refused one is not written to.
    const line = visit.headers.getSetCookie()[0]!
    expect(line.split(';')[0]).not.toBe(cookie)
    expect(warnings).toHaveLength(2)
    expect(warnings[0]!.message).toMatch(/failed the schema/)
    expect(String(warnings[0]!.details.reason)).toMatch(/number/i)
  })

  it('types the session by the schema, so the two cannot disagree (checked by tsc over this file)', async () => {
    const repository = new MemorySessionRepository()
    // The trap: a schema that leaves out an optional key of the app's type strips it on every read.
    const Narrow = z.object({ views: z.number().optional() })
    type Wide = { views?: number; user?: string }
    // @ts-expect-error with a schema, the session's type is the schema's output: no type argument beside it
    sessionMiddleware<Wide>({ repository, secret: SECRET, schema: Narrow })
    const narrow: MiddlewareHandler<SessionEnv<z.output<typeof Narrow>>> = sessionMiddleware({ repository, secret: SECRET, schema: Narrow })
    // @ts-expect-error a schema whose output is not JSON (a Date) cannot type a session
    sessionMiddleware({ repository, secret: SECRET, schema: z.object({ when: z.date() }) })
    const app = new Hono().use(narrow)
    app.get('/', async (c) => {
      // @ts-expect-error `user` is not in the schema, so not in the session
      await c.var.session.get('user')
      return c.text(String((await c.var.session.get('views')) ?? 0))
    })
    expect(await (await app.request('/')).text()).toBe('0')
  })
})
