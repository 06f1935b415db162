import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
  type CreateTableCommandInput,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb'
import { ATTR, TTL_ATTRIBUTE } from './dynamodb-item.js'

/** Options of ensureSessionTable(). */
export interface EnsureTableOptions {
  readonly client: DynamoDBClient
  readonly tableName: string
  /** Create the table when it is missing. When false a missing table is an error. */
  readonly create: boolean
  /** Longest wait for a new table to become ACTIVE, in seconds. */
  readonly maxWaitSeconds?: number
}

/** The table is missing and this process may not create it. */
export class SessionTableMissingError extends Error {
  override readonly name = 'SessionTableMissingError'
}

/** The sessions table: hash key `id` (a string), billed per request. */
export const sessionTableDefinition = (tableName: string): CreateTableCommandInput => ({
  TableName: tableName,
  AttributeDefinitions: [{ AttributeName: ATTR.id, AttributeType: 'S' }],
  KeySchema: [{ AttributeName: ATTR.id, KeyType: 'HASH' }],
  BillingMode: 'PAY_PER_REQUEST',
})

/**
 * Makes sure the sessions table exists, is ACTIVE and expires items by TTL on
 * `expires`. Safe to run from several instances at once: a create that loses
 * the race waits for the winner's table instead of failing.
 */
export async function ensureSessionTable(options: EnsureTableOptions): Promise<'existed' | 'created'> {
  const { client, tableName } = options
  let outcome: 'existed' | 'created' = 'existed'
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }))
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error
    if (!options.create) {
      throw new SessionTableMissingError(`table "${tableName}" does not exist, and ensureSessionTable was called with create: false`)
    }
    try {
      await client.send(new CreateTableCommand(sessionTableDefinition(tableName)))
      outcome = 'created'
    } catch (createError) {
      // Another instance created it first: fine, wait for it below.
      if (!(createError instanceof ResourceInUseException)) throw createError
    }
  }
  await waitUntilTableExists(
    { client, maxWaitTime: options.maxWaitSeconds ?? 120, minDelay: 1, maxDelay: 5 },
    { TableName: tableName },
  )
  if (options.create) await enableTtl(client, tableName)
  return outcome
}

async function enableTtl(client: DynamoDBClient, tableName: string): Promise<void> {
  const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }))
  const status = ttl.TimeToLiveDescription?.TimeToLiveStatus
  if (status === 'ENABLED' || status === 'ENABLING') return
  try {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
      }),
    )
  } catch (error) {
    // Two instances enabling at once: the second is told TTL is already on.
    if ((error as { name?: string }).name !== 'ValidationException') throw error
  }
}
