import type { MiddlewareHandler } from 'hono'
import type { SessionEnv } from '../index.js'

/** The part of a pino-style logger the app uses. */
export interface Logger {
  info(fields: Record<string, unknown>, message?: string): void
  error(fields: Record<string, unknown>, message?: string): void
}

/** One structured line per request. Never logs cookies or session ids. */
export function requestLog(logger: Logger, clock: () => number = () => performance.now()): MiddlewareHandler<SessionEnv> {
  return async function log(c, next) {
    const started = clock()
    await next()
    const cost = c.get('sessionCost')
    logger.info(
      {
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        durationMs: Math.round((clock() - started) * 10) / 10,
        session: c.get('sessionOutcome') ?? 'none',
        // DynamoDB's own report of the capacity this request's session calls consumed.
        ...(cost ? { rcu: cost.readUnits, wcu: cost.writeUnits } : {}),
      },
      'request',
    )
  }
}
