import { CreateTableCommand, DeleteTableCommand, ScanCommand, waitUntilTableExists } from '@aws-sdk/client-dynamodb'
import { inject } from 'vitest'
import { createDynamoDbClient } from '../../src/server/dynamodb-client.js'
import { DynamoDbSessionRepository } from '../../src/adapters/dynamodb-session-repository.js'
import { ensureSessionTable, sessionTableDefinition } from '../../src/adapters/dynamodb-table.js'

export const endpoint = (): string => inject('dynamodbEndpoint')

export const uniqueTableName = (prefix = 'test'): string =>
  `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`

export function testClient(timeoutMs = 5000) {
  return createDynamoDbClient({ endpoint: endpoint(), region: 'us-east-1', timeoutMs })
}

/**
 * A fresh table on the shared DynamoDB Local, with a repository over it.
 * With `ttl: false` the table has no TTL: DynamoDB Local deletes expired items
 * within moments (AWS takes up to days), so tests that must see the repository
 * itself ignore expired items use such a table.
 */
export async function freshTable(prefix = 'test', options: { ttl?: boolean } = {}) {
  const client = testClient()
  const tableName = uniqueTableName(prefix)
  if (options.ttl === false) {
    await client.send(new CreateTableCommand(sessionTableDefinition(tableName)))
    await waitUntilTableExists({ client, maxWaitTime: 60, minDelay: 1, maxDelay: 2 }, { TableName: tableName })
  } else {
    await ensureSessionTable({ client, tableName, create: true })
  }
  const repository = new DynamoDbSessionRepository({ client, tableName, timeoutMs: 5000 })
  return {
    client,
    tableName,
    repository,
    /** Every raw item in the table. */
    async scan() {
      const out = await client.send(new ScanCommand({ TableName: tableName, ConsistentRead: true }))
      return out.Items ?? []
    },
    async drop() {
      await client.send(new DeleteTableCommand({ TableName: tableName })).catch(() => {})
      client.destroy()
    },
  }
}
