// The Node entry point and composition root: config, store, app, server.
import { serve } from '@hono/node-server'
import { pino } from 'pino'
import { ConfigError, loadConfig, type Config } from './config.js'
import { SessionTableMissingError } from './adapters/dynamodb-table.js'
import { createApp } from './http/app.js'
import { buildStore, type Store } from './store.js'

async function main(): Promise<void> {
  let config: Config
  try {
    config = loadConfig(process.env)
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    for (const line of error.message.split('\n')) console.error(`Configuration error: ${line}`)
    process.exit(1)
  }
  const logger = pino({ level: config.logLevel, base: undefined })
  if (config.session.usingDevelopmentSecret) {
    logger.warn('SESSION_SECRET is not set: using the built-in development secret (never do this in production)')
  }
  if (config.storeDefaulted) {
    logger.warn('SESSION_STORE is not set: sessions are kept in memory and lost on restart (set SESSION_STORE=dynamodb)')
  }

  const store = buildStore(config, process.env)
  await prepareWithRetry(store, logger)

  const app = createApp({
    session: { repository: store.repository, ...config.session, secret: config.session.secrets },
    readiness: store.readiness,
    logger,
  })
  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
    logger.info({ port: info.port, host: config.host, store: config.store }, `listening on http://${config.host}:${info.port}`)
  })

  let stopping = false
  const stop = (signal: string) => {
    if (stopping) return
    stopping = true
    logger.info({ signal }, 'shutting down: finishing requests in flight')
    const force = setTimeout(() => {
      logger.error({ timeoutMs: config.shutdownTimeoutMs }, 'shutdown timed out')
      process.exit(1)
    }, config.shutdownTimeoutMs)
    force.unref()
    server.close(() => {
      store.close()
      logger.info('stopped')
      process.exit(0)
    })
    // Keep-alive connections with no request in flight would hold close() open.
    if ('closeIdleConnections' in server) server.closeIdleConnections()
  }
  process.on('SIGTERM', () => stop('SIGTERM'))
  process.on('SIGINT', () => stop('SIGINT'))
}

/** DynamoDB may still be starting (docker compose, a fresh DynamoDB Local): wait for it rather than die. */
async function prepareWithRetry(store: Store, logger: pino.Logger): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      logger.info(await store.prepare())
      return
    } catch (error) {
      if (error instanceof SessionTableMissingError || attempt >= 30) {
        logger.fatal({ err: { name: (error as Error).name, message: (error as Error).message } }, 'session store not usable')
        process.exit(1)
      }
      logger.warn({ attempt, err: (error as Error).name }, 'session store not ready, retrying')
      await new Promise((resolve) => setTimeout(resolve, Math.min(2000, 200 * attempt)))
    }
  }
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
