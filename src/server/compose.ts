// The composition every server entry shares (Node, Bun, Deno): config, logger,
// store and app. Only the HTTP server differs between runtimes, so each entry
// calls composeOrExit() and hands app.fetch to its own server.
import type { Context, Hono } from 'hono'
import { pino } from 'pino'
import { ConfigError, loadConfig, type Config } from './config.js'
import { createApp } from './app.js'
import { SessionTableMissingError, type SessionEnv } from '../index.js'
import { buildStore, type Store } from './store.js'
import { createDynamoDbClient } from './dynamodb-client.js'
import { sessionTelemetry } from '../index.js'
import type { DemoTelemetry } from './otel-sdk.js'

export interface Composition {
  readonly config: Config
  readonly logger: pino.Logger
  readonly store: Store
  readonly app: Hono<SessionEnv>
  /** The OpenTelemetry SDK, when the environment asked for it (Node only). */
  readonly telemetry?: DemoTelemetry | undefined
}

/**
 * Reads the environment, prepares the store and builds the app. A bad
 * configuration or an unusable store ends the process with exit code 1, the
 * same on every runtime (Bun and Deno both provide `process`).
 */
export async function composeOrExit(env: Record<string, string | undefined>, options: CompositionOptions = {}): Promise<Composition> {
  let config: Config
  try {
    config = loadConfig(env)
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    for (const line of error.message.split('\n')) console.error(`Configuration error: ${line}`)
    process.exit(1)
  }
  const composition = buildComposition(config, options)
  // Until the server listens there is nothing in flight: a stop signal may simply end the wait.
  const quit = () => process.exit(0)
  process.once('SIGTERM', quit)
  process.once('SIGINT', quit)
  await prepareWithRetry(composition.store, composition.logger)
  process.off('SIGTERM', quit)
  process.off('SIGINT', quit)
  return composition
}

export interface CompositionOptions {
  /** The path prefix in front of the app's routes, per request (Lambda behind an API Gateway stage). */
  readonly basePath?: (c: Context) => string
  /** A started OpenTelemetry SDK: the request span, session store spans and DynamoDB call spans are exported. */
  readonly telemetry?: DemoTelemetry
}

/**
 * Logger, store and app for a validated configuration, with the start-up
 * warnings. No I/O: the store still has to be prepared before serving.
 */
export function buildComposition(config: Config, options: CompositionOptions = {}): Composition {
  // Synchronous writes: pino's default asynchronous stdout flushes at exit and, on a
  // broken pipe (the log reader gone), retries that flush forever, so a SIGTERM never exits.
  const logger = pino({ level: config.logLevel, base: undefined }, pino.destination({ dest: 1, sync: true }))
  if (config.session.usingDevelopmentSecret) {
    logger.warn('SESSION_SECRET is not set: using the built-in development secret (never do this in production)')
  }
  if (config.storeDefaulted) {
    logger.warn('SESSION_STORE is not set: sessions are kept in memory and lost on restart (set SESSION_STORE=dynamodb)')
  }
  const { telemetry } = options
  const store = buildStore({ config, connect: () => createDynamoDbClient(config.dynamodb), otel: telemetry?.api })
  const traced = telemetry && sessionTelemetry(telemetry.api, { storeSystem: config.store === 'dynamodb' ? 'aws.dynamodb' : 'memory' })
  const app = createApp({
    session: {
      repository: store.repository,
      ...config.session,
      secret: config.session.secrets,
      legacy: store.legacy,
      ...(traced ? { telemetry: traced } : {}),
    },
    readiness: store.readiness,
    logger,
    ...(options.basePath ? { basePath: options.basePath } : {}),
    ...(telemetry ? { requestTracing: telemetry.requestTracing } : {}),
  })
  return { config, logger, store, app, telemetry }
}

/**
 * On SIGTERM or SIGINT: stop accepting, let requests in flight finish (at most
 * SHUTDOWN_TIMEOUT_MS), release the store, exit. `closeServer` is the runtime's
 * own graceful close.
 */
export function stopOnSignals({ config, logger, store, telemetry }: Composition, closeServer: () => Promise<void>): void {
  let stopping = false
  const stop = (signal: string) => {
    if (stopping) return
    stopping = true
    logger.info({ signal }, 'shutting down: finishing requests in flight')
    const force = setTimeout(() => {
      logger.error({ timeoutMs: config.shutdownTimeoutMs }, 'shutdown timed out')
      process.exit(1)
    }, config.shutdownTimeoutMs)
    force.unref?.()
    closeServer().then(
      async () => {
        store.close()
        // What the exporters still hold (the last spans, the last metric interval) goes out before exit.
        await telemetry?.shutdown().catch((error: unknown) => logger.warn({ err: { name: (error as Error)?.name } }, 'telemetry flush failed'))
        logger.info('stopped')
        process.exit(0)
      },
      (error: unknown) => {
        logger.error({ err: { name: (error as Error)?.name, message: (error as Error)?.message } }, 'shutdown failed')
        process.exit(1)
      },
    )
  }
  process.on('SIGTERM', () => stop('SIGTERM'))
  process.on('SIGINT', () => stop('SIGINT'))
}

/**
 * DynamoDB may still be starting (docker compose, a fresh DynamoDB Local): wait for it
 * rather than die. Shared by the server entries and the Worker launcher.
 */
export async function prepareWithRetry(store: Pick<Store, 'prepare'>, logger: pino.Logger): Promise<void> {
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
