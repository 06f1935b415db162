// The Bun entry point: the shared composition served by Bun.serve.
//   SESSION_STORE=dynamodb bun src/server/bun.ts
import { composeOrExit, stopOnSignals } from './compose.js'
import { drainable } from './draining.js'
import { exitPortInUse, isPortInUse } from './port-in-use.js'

// The few members of Bun's global this entry uses; @types/bun is not a dependency.
declare const Bun: {
  serve(options: {
    port: number
    hostname: string
    /** Seconds a connection may stay without traffic (at most 255). */
    idleTimeout?: number
    fetch: (request: Request, server: unknown) => Response | Promise<Response>
  }): {
    readonly port: number
    stop(closeActiveConnections?: boolean): Promise<void>
  }
}

const composition = await composeOrExit(process.env)
const { app, config, logger } = composition
const served = drainable((request: Request, server: unknown) => app.fetch(request, server))
let server: ReturnType<typeof Bun.serve>
try {
  server = Bun.serve({
    port: config.port,
    hostname: config.host,
    // Bun has no header timeout or connection cap; its idle timeout is the closest to REQUEST_TIMEOUT_MS
    // (it also cuts off an answer that takes longer, which docs/demo-server.md says).
    idleTimeout: Math.min(255, Math.max(1, Math.ceil(config.http.requestTimeoutMs / 1000))),
    fetch: served.fetch,
  })
} catch (error) {
  if (isPortInUse(error)) exitPortInUse(config.port)
  throw error
}
logger.info({ port: server.port, host: config.host, store: config.store, runtime: 'bun' }, `listening on http://${config.host}:${server.port}`)
// stop() without force lets requests in flight finish.
stopOnSignals(composition, () => {
  served.drain()
  return server.stop()
})
