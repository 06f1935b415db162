import { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { Hono, type ExecutionContext } from 'hono'
import { csrf } from 'hono/csrf'
import { HTTPException } from 'hono/http-exception'
import { secureHeaders } from 'hono/secure-headers'
import { DynamoDbSessionRepository, sessionErrorResponse, sessionMiddleware, type SessionEnv } from 'hono-dynamodb-session'

/** The Worker's bindings: [vars] from wrangler.toml, secrets from `wrangler secret put` (or .dev.vars). */
export interface Bindings {
  readonly AWS_REGION: string
  readonly AWS_ACCESS_KEY_ID: string
  readonly AWS_SECRET_ACCESS_KEY: string
  /** Temporary credentials only; renewed by something outside the Worker. */
  readonly AWS_SESSION_TOKEN?: string
  readonly SESSION_TABLE: string
  /** One secret, or "new,old" while rotating. */
  readonly SESSION_SECRET: string
  /** DynamoDB Local for `wrangler dev`; unset on Cloudflare. */
  readonly DYNAMODB_ENDPOINT?: string
}

type Data = { visits: number; user: string }

function buildApp(env: Bindings): Hono<SessionEnv<Data>> {
  // A Worker has no AWS credential chain: region and keys come from its bindings. The SDK's
  // browser build, which wrangler bundles, sends its requests with fetch.
  const client = new DynamoDBClient({
    region: env.AWS_REGION,
    credentials: {
      accessKeyId: env.AWS_ACCESS_KEY_ID,
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
      ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
    },
    ...(env.DYNAMODB_ENDPOINT ? { endpoint: env.DYNAMODB_ENDPOINT } : {}),
  })
  const app = new Hono<SessionEnv<Data>>()
  app.use(secureHeaders())
  app.use(csrf())
  app.get('/healthz', (c) => c.text('ok'))
  app.use(
    sessionMiddleware<Data>({
      repository: new DynamoDbSessionRepository({ client, tableName: env.SESSION_TABLE }),
      secret: env.SESSION_SECRET.split(','),
      maxBytes: 4096,
    }),
  )
  app.onError((error, c) => {
    if (error instanceof HTTPException) return error.getResponse()
    return sessionErrorResponse(error, c) ?? c.text('Internal Server Error', 500)
  })

  app.get('/', async (c) => {
    const visits = await c.var.session.increment('visits')
    return c.json({ user: (await c.var.session.get('user')) ?? null, visits })
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

// One app, and one DynamoDB client with its connections, per isolate: the runtime passes the
// same bindings object to every request an isolate serves.
const apps = new WeakMap<Bindings, Hono<SessionEnv<Data>>>()

export default {
  fetch(request: Request, env: Bindings, ctx: ExecutionContext): Response | Promise<Response> {
    let app = apps.get(env)
    if (!app) apps.set(env, (app = buildApp(env)))
    return app.fetch(request, env, ctx)
  },
}
