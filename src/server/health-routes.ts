import { Hono } from 'hono'

/** Throws (or rejects) when the store cannot serve requests. */
export type ReadinessCheck = () => Promise<void>

/** How long a readiness answer is reused, so probes cannot hammer the store. */
const READY_CACHE_MS = 1000

/** GET /healthz: the process is alive. GET /readyz: the store answers. */
export function healthRoutes(check: ReadinessCheck, clock: () => number = Date.now): Hono {
  const app = new Hono()
  let last: { at: number; ok: boolean } | undefined
  let inFlight: Promise<boolean> | undefined

  const ready = async (): Promise<boolean> => {
    const now = clock()
    if (last && now - last.at < READY_CACHE_MS) return last.ok
    inFlight ??= check()
      .then(() => true, () => false)
      .then((ok) => {
        last = { at: clock(), ok }
        inFlight = undefined
        return ok
      })
    return inFlight
  }

  app.get('/healthz', (c) => c.text('ok'))
  app.get('/readyz', async (c) => {
    c.header('Cache-Control', 'no-store')
    return (await ready()) ? c.text('ready') : c.text('session store unavailable', 503)
  })
  return app
}
