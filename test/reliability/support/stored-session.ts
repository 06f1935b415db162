import { GetItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { storageKeyFor } from '../../../src/domain/session-id.js'
import type { CookieJar } from '../../support/cookie-jar.js'

/** The session id inside a jar's `sid` cookie (its value is `<id>.<signature>`). */
export function sessionIdIn(jar: CookieJar): string {
  const value = jar.get('sid')
  if (!value) throw new Error('the jar holds no session cookie')
  return value.split('.')[0]!
}

/** The visit count the table holds for the session in a jar, read straight from DynamoDB; null when there is no item. */
export async function storedViews(client: DynamoDBClient, tableName: string, jar: CookieJar): Promise<number | null> {
  const key = await storageKeyFor(sessionIdIn(jar))
  const out = await client.send(new GetItemCommand({ TableName: tableName, Key: { id: { S: key } }, ConsistentRead: true }))
  if (!out.Item) return null
  return Number(out.Item.data?.M?.views?.N)
}
