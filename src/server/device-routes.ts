import { Hono, type Context } from 'hono'
import type { DeviceSession, SessionEnv } from '../index.js'
import { isForm } from './request-body.js'

/** Longer than any handle the library issues: refused with 404 without a store call. */
const MAX_HANDLE_LENGTH = 256

/** Only the documented fields, so nothing else of the library's answer ever reaches a client. */
const shown = (s: DeviceSession) => ({
  handle: s.handle,
  createdAt: s.createdAt,
  lastSeenAt: s.lastSeenAt,
  userAgent: s.userAgent,
  current: s.current,
})

const notLoggedIn = (c: Context) => c.json({ error: 'Not logged in.' }, 401)
const noSuchSession = (c: Context) => c.json({ error: 'No such session.' }, 404)

/**
 * A user's sessions (devices), as JSON, plus form variants for the home page (a
 * form can only GET or POST): `POST /sessions/:handle/revoke` and a form post of
 * `/sessions/revoke-others` answer with a redirect to `/` instead of 204.
 * State-changing routes are POST or DELETE, so the app's csrf middleware covers
 * them as it covers login and logout.
 */
export function deviceRoutes(basePath: (c: Context) => string): Hono<SessionEnv> {
  const app = new Hono<SessionEnv>()
  const done = (c: Context) => (isForm(c.req.header('content-type')) ? c.redirect(`${basePath(c)}/`, 303) : c.body(null, 204))

  app.get('/sessions', async (c) => {
    // HEAD leaves the session alone, as every GET handler of the demo does.
    if (c.req.method === 'HEAD') return c.json(null)
    const session = c.var.session
    if ((await session.userId()) === null) return notLoggedIn(c)
    return c.json({ sessions: (await session.userSessions()).map(shown) })
  })

  const revokeOne = async (c: Context<SessionEnv>) => {
    const session = c.var.session
    if ((await session.userId()) === null) return notLoggedIn(c)
    const handle = c.req.param('handle') ?? ''
    if (handle.length === 0 || handle.length > MAX_HANDLE_LENGTH) return noSuchSession(c)
    if (!(await session.revokeSession(handle))) return noSuchSession(c)
    return done(c)
  }
  app.delete('/sessions/:handle', revokeOne)
  app.post('/sessions/:handle/revoke', revokeOne)

  app.post('/sessions/revoke-others', async (c) => {
    const session = c.var.session
    if ((await session.userId()) === null) return notLoggedIn(c)
    await session.revokeOtherSessions()
    return done(c)
  })

  return app
}
