// The Cloudflare Workers entry point (workerd): the same demo app as src/server/main.ts.
// Bundled by scripts/worker-bundle.ts; run locally with `npm run start:worker`.
import type { ExecutionContext, Hono } from 'hono'
import type { SessionEnv } from '../index.js'
import { ConfigError } from './config.js'
import { buildWorkerApp } from './worker-app.js'
import { loadWorkerConfig } from './worker-config.js'

type Serve = (request: Request, ctx: ExecutionContext) => Response | Promise<Response>

/**
 * The per-isolate cache, the one piece of module state on purpose: an isolate
 * serves many requests with the same bindings, so the config is validated, and
 * the app and its DynamoDB client (with its connections) built, once per isolate
 * rather than once per request. Keyed by the bindings object, which the runtime
 * passes unchanged to every request of the isolate.
 */
const isolateCache = new WeakMap<object, Serve>()

/** The app for these bindings, or an answer naming the bad configuration when they are invalid. */
export function serveFor(bindings: object): Serve {
  let serve = isolateCache.get(bindings)
  if (!serve) {
    serve = compose(bindings)
    isolateCache.set(bindings, serve)
  }
  return serve
}

function compose(bindings: object): Serve {
  let app: Hono<SessionEnv>
  try {
    app = buildWorkerApp(loadWorkerConfig(bindings))
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    for (const line of error.message.split('\n')) console.error(`Configuration error: ${line}`)
    return () => new Response('Server misconfigured; see the Worker logs.', { status: 500 })
  }
  return (request, ctx) => app.fetch(request, bindings, ctx)
}

export default {
  fetch(request: Request, env: object, ctx: ExecutionContext): Response | Promise<Response> {
    return serveFor(env)(request, ctx)
  },
}
