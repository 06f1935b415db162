import {
  PutItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb'
import { freshTable } from '../support/dynamodb.js'

/**
 * A sessions table without TTL. DynamoDB Local removes items past their TTL
 * within moments, whereas AWS takes up to days; the operator tools exist for
 * that gap, so their tests need expired items that stay put.
 */
export async function tableWithoutTtl(prefix: string) {
  const table = await freshTable(prefix, { ttl: false })
  return {
    ...table,
    async keys(): Promise<string[]> {
      return (await table.scan()).map((item) => item.id!.S!).sort()
    },
  }
}

const n = (value: number): AttributeValue => ({ N: String(value) })

/** Writes an item in this product's format directly, bypassing the repository. */
export async function putSession(
  client: DynamoDBClient,
  tableName: string,
  item: { key: string; expires: number; maxExpires: number; createdAt?: number; data?: Record<string, string> },
): Promise<void> {
  const data = Object.fromEntries(Object.entries(item.data ?? {}).map(([k, v]) => [k, { S: v }]))
  await client.send(
    new PutItemCommand({
      TableName: tableName,
      Item: {
        id: { S: item.key },
        data: { M: data },
        createdAt: n(item.createdAt ?? item.expires - 86_400),
        expires: n(item.expires),
        maxExpires: n(item.maxExpires),
        version: n(1),
      },
    }),
  )
}

/** Writes an item the way connect-dynamodb does: `sess:` key, JSON in `sess`, `expires` only. */
export async function putConnectDynamoDbSession(client: DynamoDBClient, tableName: string, key: string, expires: number): Promise<void> {
  await client.send(
    new PutItemCommand({
      TableName: tableName,
      Item: { id: { S: key }, expires: n(expires), type: { S: 'connect-session' }, sess: { S: '{"cookie":{},"user":"bob"}' } },
    }),
  )
}
