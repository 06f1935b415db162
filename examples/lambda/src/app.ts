import { Hono } from 'hono'
import { csrf } from 'hono/csrf'
import { HTTPException } from 'hono/http-exception'
import { secureHeaders } from 'hono/secure-headers'
import { sessionErrorResponse, sessionMiddleware, type SessionEnv, type SessionRepository } from 'hono-dynamodb-session'

type Data = { visits: number; user: string }

export interface AppOptions {
  readonly repository: SessionRepository
  readonly secret: string | readonly string[]
  /**
   * Believe X-Forwarded-Proto. Needed behind an ALB with an HTTP listener (the ALB
   * replaces the header with its listener's protocol); API Gateway sets it to https.
   */
  readonly trustProxy: boolean
}

export function createApp(options: AppOptions): Hono<SessionEnv<Data>> {
  const app = new Hono<SessionEnv<Data>>()
  app.use(secureHeaders())
  app.use(csrf())
  app.get('/healthz', (c) => c.text('ok'))
  app.use(sessionMiddleware<Data>({ ...options, maxBytes: 4096 }))
  app.onError((error, c) => {
    if (error instanceof HTTPException) return error.getResponse()
    return sessionErrorResponse(error, c) ?? c.text('Internal Server Error', 500)
  })

  app.get('/', async (c) => {
    const visits = await c.var.session.increment('visits')
    const user = (await c.var.session.get('user')) ?? null
    return c.json({ user, visits })
  })
  app.post('/login', async (c) => {
    const { user } = await c.req.json<{ user?: unknown }>().catch(() => ({ user: undefined }))
    if (typeof user !== 'string' || !/^[\w.@-]{1,64}$/.test(user)) return c.json({ error: 'user: 1 to 64 letters, digits, . @ _ -' }, 400)
    await c.var.session.login(user) // check a password first in a real app
    c.var.session.set('user', user)
    return c.json({ user })
  })
  app.post('/logout', async (c) => {
    await c.var.session.destroy()
    return c.body(null, 204)
  })
  return app
}
