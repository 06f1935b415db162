// The demo app as a Worker serves it: the same createApp as every other entry,
// over a store whose DynamoDB client speaks fetch. No I/O here and no table
// creation: the table is provisioned before the Worker serves (see docs/deploying.md).
import type { Hono } from 'hono'
import type { SessionEnv } from '../index.js'
import { createApp } from './app.js'
import { consoleLogger, type ConsoleLogger } from './console-logger.js'
import { createFetchDynamoDbClient } from './fetch-dynamodb-client.js'
import { buildStore, type Store } from './store.js'
import type { WorkerConfig } from './worker-config.js'

export function buildWorkerApp({ config, keys }: WorkerConfig, logger: ConsoleLogger = consoleLogger(config.logLevel)): Hono<SessionEnv> {
  if (config.session.usingDevelopmentSecret) {
    logger.warn({}, 'SESSION_SECRET is not set: using the built-in development secret (never do this in production)')
  }
  if (config.store === 'memory') {
    logger.warn({}, 'SESSION_STORE=memory on a Worker: each isolate keeps its own sessions, lost whenever it is evicted')
  }
  const store = workerStore({ config, keys })
  return createApp({
    session: { repository: store.repository, ...config.session, secret: config.session.secrets, legacy: store.legacy },
    readiness: store.readiness,
    logger,
  })
}

function workerStore({ config, keys }: WorkerConfig): Pick<Store, 'repository' | 'legacy' | 'readiness'> {
  const { endpoint, region, timeoutMs } = config.dynamodb
  return buildStore({ config, connect: () => createFetchDynamoDbClient({ endpoint, region, timeoutMs, keys }) })
}
