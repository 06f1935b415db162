import { Hono, type Context } from 'hono'
import { z } from 'zod'
import { countVisit, VISITS_FIELD } from '../domain/visit-counter.js'
import type { SessionEnv } from '../http/session-middleware.js'
import { homePage } from './home-page.js'

const LoginBody = z.object({
  user: z.string().trim().min(1, 'user must be 1 to 64 characters').max(64, 'user must be 1 to 64 characters'),
})

/**
 * The demo: a visit counter, login and logout.
 *
 * Hono answers HEAD with the GET handler (and drops the body), so the GET
 * handlers themselves leave the session alone on HEAD: a link checker, a
 * monitor or a prefetch must never count a visit, refresh an expiry or create
 * a session. A HEAD answer carries the GET's status and content type only.
 *
 * `basePath` is what the browser's URL carries in front of these routes (an API
 * Gateway stage such as `/prod`); redirects and links start with it.
 */
export function demoRoutes(basePath: (c: Context) => string = () => ''): Hono<SessionEnv> {
  const app = new Hono<SessionEnv>()

  app.get('/', async (c) => {
    if (c.req.method === 'HEAD') return c.html('')
    const session = c.var.session
    const [views, user] = await Promise.all([session.get<number>(VISITS_FIELD), session.get<string>('user')])
    return c.html(homePage({ views: views ?? 0, user: user ?? null, base: basePath(c) }))
  })

  app.get('/private', async (c) => {
    if (c.req.method === 'HEAD') return c.text('')
    const n = await countVisit(c.var.session)
    return c.text(`The /private page has been visited ${n} times.`)
  })

  app.post('/login', async (c) => {
    const body = await readBody(c.req.raw)
    if (body === undefined) return c.text('Send {"user":"..."} as JSON or user=... as a form.', 400)
    const parsed = LoginBody.safeParse(body)
    if (!parsed.success) return c.text(parsed.error.issues[0]?.message ?? 'invalid user', 400)
    // A new id at the moment privileges change defeats session fixation.
    await c.var.session.regenerate()
    c.var.session.set('user', parsed.data.user)
    if (isForm(c.req.header('content-type'))) return c.redirect(`${basePath(c)}/`, 303)
    return c.json({ user: parsed.data.user })
  })

  app.post('/logout', async (c) => {
    await c.var.session.destroy()
    if (isForm(c.req.header('content-type'))) return c.redirect(`${basePath(c)}/`, 303)
    return c.body(null, 204)
  })

  return app
}

const isForm = (type: string | undefined) =>
  !!type && /^(application\/x-www-form-urlencoded|multipart\/form-data)/i.test(type)

/** The request body as a plain object, or undefined when it is neither valid JSON nor a form. */
async function readBody(request: Request): Promise<unknown> {
  const type = request.headers.get('content-type') ?? ''
  try {
    if (/^application\/json/i.test(type)) return await request.json()
    if (isForm(type)) return Object.fromEntries((await request.formData()).entries())
  } catch {
    return undefined
  }
  return undefined
}
