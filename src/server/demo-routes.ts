import { Hono, type Context } from 'hono'
import { z } from 'zod'
import type { SessionEnv } from '../index.js'
import { countVisit, VISITS_FIELD } from './visit-counter.js'
import { deviceRoutes } from './device-routes.js'
import { homePage } from './home-page.js'
import { isForm, readBody } from './request-body.js'

const LoginBody = z.object({
  user: z.string().trim().min(1, 'user must be 1 to 64 characters').max(64, 'user must be 1 to 64 characters'),
})

// JSON sends a boolean; a form sends a string (a checkbox sends "on").
const LogoutBody = z.object(
  {
    everywhere: z
      .union([z.boolean(), z.enum(['true', 'false', '1', '0', 'on'])], { error: 'everywhere must be true or false' })
      .optional()
      .transform((v) => v === true || v === 'true' || v === '1' || v === 'on'),
  },
  { error: 'Send {"everywhere":true}, everywhere=true as a form, or no body.' },
)

/**
 * The demo: a visit counter, login and logout (here or everywhere), and the
 * user's sessions (see device-routes.ts).
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
    const [views, user, boundTo] = await Promise.all([session.get<number>(VISITS_FIELD), session.get<string>('user'), session.userId()])
    // Listing costs a read of the user index and a batch read: only for a bound session.
    const sessions = boundTo === null ? null : await session.userSessions()
    const now = Math.floor(Date.now() / 1000)
    return c.html(homePage({ views: views ?? 0, user: user ?? null, sessions, now, base: basePath(c) }))
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
    // A new id at the moment privileges change defeats session fixation; login() also
    // binds the session to the user, so it is listed and revoked with the user's others.
    await c.var.session.login(parsed.data.user)
    // The name the pages show (the binding is the library's; this is the app's data).
    c.var.session.set('user', parsed.data.user)
    if (isForm(c.req.header('content-type'))) return c.redirect(`${basePath(c)}/`, 303)
    return c.json({ user: parsed.data.user })
  })

  app.post('/logout', async (c) => {
    const body = await readBody(c.req.raw)
    const parsed = LogoutBody.safeParse(body ?? {})
    if (!parsed.success) return c.text(parsed.error.issues[0]?.message ?? 'invalid body', 400)
    const session = c.var.session
    // Everywhere ends all of the user's sessions, this one included; unbound, only this one.
    if (parsed.data.everywhere && (await session.userId()) !== null) await session.logoutEverywhere()
    else await session.destroy()
    if (isForm(c.req.header('content-type'))) return c.redirect(`${basePath(c)}/`, 303)
    return c.body(null, 204)
  })

  app.route('/', deviceRoutes(basePath))
  return app
}
