import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb'
import {
  ConnectDynamoDbSessionSource,
  DynamoDbSessionRepository,
  ensureSessionTable,
  MemorySessionRepository,
  SessionTableMissingError,
  type LegacyOptions,
  instrumentDynamoDbClient,
  type OpenTelemetryApi,
  type SessionRepository,
} from '../index.js'
import type { Config, StoreConfig } from './config.js'

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

/** What the store is built from: the configuration it reads, and how this runtime reaches DynamoDB. */
export interface StoreParts {
  /** The operator CLI reads only the table's part of the configuration: no cap to enforce, no migration. */
  readonly config: StoreConfig & Partial<Pick<Config, 'maxSessionsPerUser' | 'legacy'>>
  /** Makes the DynamoDB client: the Node SDK's on a server, one that speaks fetch on a Worker. */
  readonly connect: () => DynamoDBClient
  /** A longer per-call deadline than the server's, for the operator CLI's scans. */
  readonly timeoutMs?: number
  /** With it, every DynamoDB call is a span (DynamoDB.GetItem…) under the session work that made it. */
  readonly otel?: OpenTelemetryApi | undefined
}

/**
 * The one place a store is built from configuration, for the server, the Worker and
 * the operator CLI alike, so no entry point can drop a setting.
 */
export function buildStore({ config, connect, timeoutMs = config.dynamodb.timeoutMs, otel }: StoreParts): Store {
  const maxSessionsPerUser = config.maxSessionsPerUser
  if (config.store === 'memory') {
    return {
      repository: new MemorySessionRepository({ maxSessionsPerUser }),
      prepare: async () => 'memory store ready',
      readiness: async () => {},
      close: () => {},
    }
  }
  const client = connect()
  if (otel) instrumentDynamoDbClient(client, otel)
  const { table: tableName, consistentReads, createTable } = config.dynamodb
  const legacy = config.legacy ?? null
  return {
    repository: new DynamoDbSessionRepository({ client, tableName, timeoutMs, consistentReads, maxSessionsPerUser }),
    ...(legacy
      ? {
          legacy: {
            secret: legacy.secrets,
            cookieName: legacy.cookieName,
            acceptUntil: legacy.acceptUntil,
            source: new ConnectDynamoDbSessionSource({ client, tableName: legacy.table, prefix: legacy.prefix, timeoutMs }),
          },
        }
      : {}),
    prepare: async () => {
      try {
        return `table "${tableName}" ${await ensureSessionTable({ client, tableName, create: createTable })}`
      } catch (error) {
        // The library names its option; the demo's operator sets a variable.
        if (error instanceof SessionTableMissingError) throw new SessionTableMissingError(`table "${tableName}" does not exist and SESSION_CREATE_TABLE=false`)
        throw error
      }
    },
    readiness: async () => {
      await client.send(new DescribeTableCommand({ TableName: tableName }), { abortSignal: AbortSignal.timeout(timeoutMs) })
    },
    close: () => client.destroy(),
  }
}
