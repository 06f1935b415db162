import { Hono } from 'hono'
import { csrf } from 'hono/csrf'
import { secureHeaders } from 'hono/secure-headers'
import { sessionMiddleware, type SessionEnv, type SessionRepository } from 'hono-dynamodb-session'
import { addToCart } from './cart.js'
import type { Data } from './data.js'

export type { Data } from './data.js'

export interface AppOptions {
  readonly repository: SessionRepository
  /** One secret, or several while rotating (the first signs). */
  readonly secret: string | readonly string[]
  /** Behind a proxy or load balancer that sets X-Forwarded-Proto. */
  readonly trustProxy?: boolean
}

const USER = /^[\w.@-]{1,64}$/

export function createApp(options: AppOptions): Hono<SessionEnv<Data>> {
  const app = new Hono<SessionEnv<Data>>()
  app.use(secureHeaders())
  app.use(csrf())
  // Liveness: answered before the session middleware, so it never waits for DynamoDB.
  app.get('/healthz', (c) => c.text('ok'))
  // No onError needed: session errors (409, 413, 400, 503) and csrf()'s 403 carry their own
  // responses, which Hono's default error handler sends.
  app.use(sessionMiddleware<Data>({ ...options, maxBytes: 4096 }))

  app.get('/', async (c) => {
    const session = c.var.session
    const visits = await session.increment('visits')
    const { user = null, cart = [] } = await session.all()
    return c.json({ user, visits, items: cart.length })
  })

  app.post('/login', async (c) => {
    const body = await c.req.json<{ user?: unknown }>().catch(() => ({ user: undefined }))
    if (typeof body.user !== 'string' || !USER.test(body.user)) return c.json({ error: 'user: 1 to 64 letters, digits, . @ _ -' }, 400)
    // A real app checks a password here. Then: a fresh session id, bound to the user.
    await c.var.session.login(body.user)
    c.var.session.set('user', body.user)
    c.var.session.set('loggedInAt', Date.now())
    return c.json({ user: body.user })
  })

  app.post('/logout', async (c) => {
    await c.var.session.destroy()
    return c.body(null, 204)
  })

  app.get('/cart', async (c) => c.json({ cart: (await c.var.session.get('cart')) ?? [] }))

  app.post('/cart', async (c) => {
    const body = await c.req.json<{ sku?: unknown; quantity?: unknown }>().catch(() => ({}) as { sku?: unknown; quantity?: unknown })
    const quantity = body.quantity ?? 1
    if (typeof body.sku !== 'string' || body.sku === '' || body.sku.length > 32) return c.json({ error: 'sku: 1 to 32 characters' }, 400)
    if (typeof quantity !== 'number' || !Number.isInteger(quantity) || quantity < 1 || quantity > 99) {
      return c.json({ error: 'quantity: a whole number from 1 to 99' }, 400)
    }
    const cart = await addToCart(c.var.session, { sku: body.sku, quantity })
    return c.json({ cart })
  })

  app.get('/me', async (c) => {
    const session = c.var.session
    const user = await session.userId()
    if (user === null) return c.json({ error: 'Not logged in.' }, 401)
    const loggedInAt = await session.get('loggedInAt')
    return c.json({
      user,
      loggedInAt: loggedInAt === undefined ? null : new Date(loggedInAt).toISOString(),
      sessions: await session.userSessions(),
    })
  })

  return app
}
