// The Node entry point: the shared composition served by @hono/node-server.
import type { Server, ServerResponse } from 'node:http'
import { serve } from '@hono/node-server'
import { composeOrExit, stopOnSignals } from './compose.js'

async function main(): Promise<void> {
  const composition = await composeOrExit(process.env)
  const { app, config, logger } = composition
  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
    logger.info({ port: info.port, host: config.host, store: config.store }, `listening on http://${config.host}:${info.port}`)
  })
  // Node still answers "keep-alive" after close(), and close() then waits for those
  // connections to time out; once stopping, responses ask the client to close instead.
  let draining = false
  const open = new Set<ServerResponse>()
  ;(server as Server).prependListener('request', (_request, response: ServerResponse) => {
    if (draining) response.setHeader('Connection', 'close')
    open.add(response)
    response.once('close', () => open.delete(response))
  })
  stopOnSignals(composition, () => {
    draining = true
    for (const response of open) if (!response.headersSent) response.setHeader('Connection', 'close')
    const closed = new Promise<void>((resolve) => server.close(() => resolve()))
    // Keep-alive connections with no request in flight would hold close() open.
    if ('closeIdleConnections' in server) server.closeIdleConnections()
    return closed
  })
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
