// The demo app as a Worker serves it: the same createApp as every other entry,
// over a store whose DynamoDB client speaks fetch. No I/O here and no table
// creation: the table is provisioned before the Worker serves (see README).
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb'
import type { Hono } from 'hono'
import { ConnectDynamoDbSessionSource } from '../adapters/connect-dynamodb-source.js'
import { DynamoDbSessionRepository } from '../adapters/dynamodb-session-repository.js'
import { MemorySessionRepository } from '../adapters/memory-session-repository.js'
import type { SessionEnv } from '../http/session-middleware.js'
import { createApp } from './app.js'
import { consoleLogger, type ConsoleLogger } from './console-logger.js'
import { createFetchDynamoDbClient } from './fetch-dynamodb-client.js'
import type { Store } from './store.js'
import type { WorkerConfig } from './worker-config.js'

type WorkerStore = Pick<Store, 'repository' | 'legacy' | 'readiness'>

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

function workerStore({ config, keys }: WorkerConfig): WorkerStore {
  const maxSessionsPerUser = config.maxSessionsPerUser
  if (config.store === 'memory') return { repository: new MemorySessionRepository({ maxSessionsPerUser }), readiness: async () => {} }
  const { endpoint, region, table, timeoutMs, consistentReads } = config.dynamodb
  const client = createFetchDynamoDbClient({ endpoint, region, timeoutMs, keys })
  return {
    repository: new DynamoDbSessionRepository({ client, tableName: table, timeoutMs, consistentReads, maxSessionsPerUser }),
    ...(config.legacy
      ? {
          legacy: {
            secret: config.legacy.secrets,
            cookieName: config.legacy.cookieName,
            source: new ConnectDynamoDbSessionSource({ client, tableName: config.legacy.table, prefix: config.legacy.prefix, timeoutMs }),
          },
        }
      : {}),
    readiness: async () => {
      await client.send(new DescribeTableCommand({ TableName: table }), { abortSignal: AbortSignal.timeout(timeoutMs) })
    },
  }
}
