import { ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb'
import { expect } from 'vitest'
import { storageKeyFor } from '../../src/domain/session-id.js'
import { endpoint, testClient } from './dynamodb.js'
import { SECRET } from './secrets.js'
import type { ServerProcess } from './server-process.js'

/** The environment of a server (Node, Bun, Deno or the Worker) on a table of the shared DynamoDB Local. */
export const dynamoDbServerEnv = (tableName: string, extra: Record<string, string> = {}): Record<string, string> => ({
  SESSION_STORE: 'dynamodb',
  DYNAMODB_ENDPOINT: endpoint(),
  SESSION_TABLE: tableName,
  SESSION_SECRET: SECRET,
  SESSION_CREATE_TABLE: 'false',
  // DynamoDB Local applies writes to one item one at a time, slowly on a busy machine:
  // a generous deadline keeps these tests of correctness, not of speed.
  DYNAMODB_TIMEOUT_MS: '30000',
  ...extra,
})

/** Starts a session on `server` with one visit; returns its Cookie header and the key its item is stored under. */
export async function newSession(server: ServerProcess): Promise<{ cookie: string; key: string }> {
  const response = await fetch(`${server.url}/private`)
  expect(await response.text()).toBe('The /private page has been visited 1 times.')
  const cookie = response.headers.getSetCookie()[0]!.split(';')[0]!
  const id = cookie.slice(cookie.indexOf('=') + 1).split('.')[0]!
  return { cookie, key: await storageKeyFor(id) }
}

/** The visit count stored under `key`, read with a Scan of the whole table. */
export async function viewsStoredUnder(scan: () => Promise<Array<Record<string, AttributeValue>>>, key: string): Promise<number> {
  const item = (await scan()).find((i) => i.id?.S === key)
  return Number(item?.data?.M?.views?.N)
}

/** After the restart story (1, 2, restart, 3; a second visitor 1): exactly two sessions stored, at 1 and 3. */
export async function expectRestartStoryStored(tableName: string): Promise<void> {
  const client = testClient()
  const scan = await client.send(new ScanCommand({ TableName: tableName, ConsistentRead: true }))
  client.destroy()
  expect(scan.Count).toBe(2)
  expect(scan.Items!.map((item) => Number(item.data?.M?.views?.N)).sort()).toEqual([1, 3])
}
