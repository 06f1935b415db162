// The Deno entry point: the shared composition served by Deno.serve.
//   SESSION_STORE=dynamodb deno run --allow-net --allow-env --allow-read --allow-sys --unstable-sloppy-imports src/server/deno.ts
// (--unstable-sloppy-imports maps this project's `.js` import suffixes to the `.ts` sources.)
import { composeOrExit, stopOnSignals } from './compose.js'
import { drainable } from './draining.js'
import { exitPortInUse, isPortInUse } from './port-in-use.js'

// The few members of Deno's global this entry uses; Deno's types are not a dependency.
declare const Deno: {
  serve(
    options: { port: number; hostname: string; onListen?: (address: { port: number }) => void },
    handler: (request: Request) => Response | Promise<Response>,
  ): { shutdown(): Promise<void> }
}

const composition = await composeOrExit(process.env)
const { app, config, logger } = composition
// Deno.serve has no header or request timeout and no connection cap to set (see docs/demo-server.md).
const served = drainable((request: Request) => app.fetch(request))
let server: ReturnType<typeof Deno.serve>
try {
  server = Deno.serve(
    {
      port: config.port,
      hostname: config.host,
      onListen: ({ port }) =>
        logger.info({ port, host: config.host, store: config.store, runtime: 'deno' }, `listening on http://${config.host}:${port}`),
    },
    served.fetch,
  )
} catch (error) {
  if (isPortInUse(error)) exitPortInUse(config.port)
  throw error
}
// shutdown() stops accepting and waits for requests in flight.
stopOnSignals(composition, () => {
  served.drain()
  return server.shutdown()
})
