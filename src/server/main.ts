// The Node entry point: the shared composition served by @hono/node-server.
import type { Server, ServerResponse } from 'node:http'
import { serve } from '@hono/node-server'
import { composeOrExit, stopOnSignals } from './compose.js'
import { startTelemetryOrExit } from './otel-config.js'
import { exitPortInUse, isPortInUse } from './port-in-use.js'

async function main(): Promise<void> {
  // First, so the app is built against the registered SDK (and spans of start-up calls are kept).
  const telemetry = await startTelemetryOrExit(process.env)
  const composition = await composeOrExit(process.env, telemetry ? { telemetry } : {})
  const { app, config, logger } = composition
  const server = serve(
    {
      fetch: app.fetch,
      port: config.port,
      hostname: config.host,
      serverOptions: {
        headersTimeout: config.http.headersTimeoutMs,
        requestTimeout: config.http.requestTimeoutMs,
        // Node checks both timeouts only this often (default 30 s), which would stretch them.
        connectionsCheckingInterval: Math.min(1000, config.http.headersTimeoutMs),
      },
    },
    (info) => {
      logger.info({ port: info.port, host: config.host, store: config.store }, `listening on http://${config.host}:${info.port}`)
    },
  ) as Server
  // Connections past the cap are closed as soon as they are accepted.
  server.maxConnections = config.http.maxConnections
  server.once('error', (error) => {
    if (isPortInUse(error)) exitPortInUse(config.port)
    logger.fatal({ err: { name: error.name, message: error.message } }, 'server failed')
    process.exit(1)
  })
  // Node still answers "keep-alive" after close(), and close() then waits for those
  // connections to time out; once stopping, responses ask the client to close instead.
  let draining = false
  const open = new Set<ServerResponse>()
  server.prependListener('request', (_request, response: ServerResponse) => {
    if (draining) response.setHeader('Connection', 'close')
    open.add(response)
    response.once('close', () => open.delete(response))
  })
  stopOnSignals(composition, () => {
    draining = true
    for (const response of open) if (!response.headersSent) response.setHeader('Connection', 'close')
    const closed = new Promise<void>((resolve) => server.close(() => resolve()))
    // Keep-alive connections with no request in flight would hold close() open.
    server.closeIdleConnections()
    return closed
  })
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
