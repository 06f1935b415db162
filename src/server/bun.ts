// The Bun entry point: the shared composition served by Bun.serve.
//   SESSION_STORE=dynamodb bun src/bun.ts
import { composeOrExit, stopOnSignals } from './compose.js'

// The few members of Bun's global this entry uses; @types/bun is not a dependency.
declare const Bun: {
  serve(options: { port: number; hostname: string; fetch: (request: Request) => Response | Promise<Response> }): {
    readonly port: number
    stop(closeActiveConnections?: boolean): Promise<void>
  }
}

const composition = await composeOrExit(process.env)
const { app, config, logger } = composition
const server = Bun.serve({ port: config.port, hostname: config.host, fetch: app.fetch })
logger.info({ port: server.port, host: config.host, store: config.store, runtime: 'bun' }, `listening on http://${config.host}:${server.port}`)
// stop() without force lets requests in flight finish.
stopOnSignals(composition, () => server.stop())
