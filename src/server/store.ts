import { DescribeTableCommand } from '@aws-sdk/client-dynamodb'
import { ConnectDynamoDbSessionSource } from '../adapters/connect-dynamodb-source.js'
import { createDynamoDbClient } from './dynamodb-client.js'
import { DynamoDbSessionRepository } from '../adapters/dynamodb-session-repository.js'
import { ensureSessionTable } from '../adapters/dynamodb-table.js'
import { MemorySessionRepository } from '../adapters/memory-session-repository.js'
import type { Config } from './config.js'
import type { SessionRepository } from '../domain/session-repository.js'
import type { LegacyOptions } from '../http/session-options.js'
import { instrumentDynamoDbClient, type OpenTelemetryApi } from '../index.js'

/** The session store the configuration asks for, plus what the entry points need around it. */
export interface Store {
  readonly repository: SessionRepository
  /** Where express-session users' old sessions are read from, when migration is on. */
  readonly legacy?: LegacyOptions
  /** Creates or checks the table; call before serving. */
  prepare(): Promise<string>
  /** Rejects when the store cannot serve requests. */
  readiness(): Promise<void>
  close(): void
}

/** With `otel`, every DynamoDB call is a span (DynamoDB.GetItem…) under the session work that made it. */
export function buildStore(config: Config, otel?: OpenTelemetryApi): Store {
  if (config.store === 'memory') {
    return {
      repository: new MemorySessionRepository({ maxSessionsPerUser: config.maxSessionsPerUser }),
      prepare: async () => 'memory store ready',
      readiness: async () => {},
      close: () => {},
    }
  }
  const client = createDynamoDbClient(config.dynamodb)
  if (otel) instrumentDynamoDbClient(client, otel)
  const tableName = config.dynamodb.table
  return {
    repository: new DynamoDbSessionRepository({
      client,
      tableName,
      timeoutMs: config.dynamodb.timeoutMs,
      consistentReads: config.dynamodb.consistentReads,
      maxSessionsPerUser: config.maxSessionsPerUser,
    }),
    ...(config.legacy
      ? {
          legacy: {
            secret: config.legacy.secrets,
            cookieName: config.legacy.cookieName,
            acceptUntil: config.legacy.acceptUntil,
            source: new ConnectDynamoDbSessionSource({
              client,
              tableName: config.legacy.table,
              prefix: config.legacy.prefix,
              timeoutMs: config.dynamodb.timeoutMs,
            }),
          },
        }
      : {}),
    prepare: async () => {
      const outcome = await ensureSessionTable({ client, tableName, create: config.dynamodb.createTable })
      return `table "${tableName}" ${outcome}`
    },
    readiness: async () => {
      await client.send(new DescribeTableCommand({ TableName: tableName }), {
        abortSignal: AbortSignal.timeout(config.dynamodb.timeoutMs),
      })
    },
    close: () => client.destroy(),
  }
}
