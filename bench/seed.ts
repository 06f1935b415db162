// Sessions made for the growth curves: sessions holding a given amount of data, for ours
// and for the baseline, and a table filled with many live sessions, fast.
//
// Ours: written through the library's own repository (what a handler's `set` would have
// stored), under the storage key of a fresh id, with the cookie the middleware would sign.
// Baseline: made through express-session itself (a visit, then POST /bench/fill).
// Filler: BatchWriteItem, 25 items a call, several calls in flight, straight to DynamoDB Local.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { toItem } from '../src/adapters/dynamodb-item.js'
import { DynamoDbSessionRepository } from '../src/adapters/dynamodb-session-repository.js'
import { generateSessionId, storageKeyFor } from '../src/domain/session-id.js'
import { newStoredSession } from '../src/domain/session.js'
import { createCookieSigner } from '../src/http/cookie-signer.js'
import { SESSION_DEFAULTS } from '../src/http/session-options.js'
import { makeSessions } from './scenarios.js'
import { SECRET } from './settings.js'

const LIFETIME = { ttlSeconds: SESSION_DEFAULTS.ttlSeconds, maxAgeSeconds: SESSION_DEFAULTS.maxAgeSeconds }

/** Session data whose JSON is `bytes` long: the visit counter and a filler string. */
export function dataOfSize(bytes: number): { views: number; blob: string } {
  const overhead = JSON.stringify({ views: 1, blob: '' }).length
  return { views: 1, blob: 'x'.repeat(Math.max(0, Math.round(bytes) - overhead)) }
}

const localClient = (endpoint: string) =>
  new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 10 })

/** `n` sessions of ours holding `bytes` of data; returns their Cookie headers. `url` serves ours, which names the cookie. */
export async function oursSessionsOfSize(url: string, endpoint: string, table: string, bytes: number, n: number): Promise<string[]> {
  const [probe] = await makeSessions(url, 1)
  const cookieName = probe!.split('=')[0]!
  const client = localClient(endpoint)
  const repository = new DynamoDbSessionRepository({ client, tableName: table, timeoutMs: 10_000 })
  const signer = createCookieSigner([SECRET])
  const now = Math.floor(Date.now() / 1000)
  try {
    return await Promise.all(
      Array.from({ length: n }, async () => {
        const id = generateSessionId()
        await repository.create(newStoredSession(await storageKeyFor(id), dataOfSize(bytes), now, LIFETIME))
        return `${cookieName}=${await signer.sign(id)}`
      }),
    )
  } finally {
    client.destroy()
  }
}

/** `n` baseline sessions holding `bytes` of data (plus what express-session keeps of the cookie). */
export async function baselineSessionsOfSize(url: string, bytes: number, n: number): Promise<string[]> {
  const cookies = await makeSessions(url, n)
  const { blob } = dataOfSize(bytes)
  for (const cookie of cookies) {
    const response = await fetch(`${url}/bench/fill`, { method: 'POST', headers: { cookie, 'content-type': 'text/plain' }, body: blob })
    if (!response.ok) throw new Error(`filling a baseline session failed: ${response.status} ${await response.text()}`)
  }
  return cookies
}

/**
 * Adds `count` live sessions of ours (small ones, one counter each, under random keys) to
 * `table`, with BatchWriteItem; returns the seconds it took.
 */
export async function fillTable(endpoint: string, table: string, count: number, inFlight = 8): Promise<number> {
  const client = localClient(endpoint)
  const documents = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } })
  type Requests = NonNullable<ConstructorParameters<typeof BatchWriteCommand>[0]['RequestItems']>
  const started = performance.now()
  const now = Math.floor(Date.now() / 1000)
  let made = 0
  const batch = () => {
    const items: Requests[string] = []
    for (; items.length < 25 && made < count; made++) {
      items.push({ PutRequest: { Item: toItem(newStoredSession(`filler-${made}-${generateSessionId()}`, { views: 1 + (made % 50) }, now, LIFETIME)) } })
    }
    return items
  }
  const worker = async () => {
    for (let items = batch(); items.length; items = batch()) {
      let pending: Requests | undefined = { [table]: items }
      // DynamoDB may hand back part of a batch unprocessed: send that part again.
      while (pending && Object.keys(pending).length) {
        pending = (await documents.send(new BatchWriteCommand({ RequestItems: pending }))).UnprocessedItems as Requests | undefined
      }
    }
  }
  try {
    await Promise.all(Array.from({ length: inFlight }, worker))
  } finally {
    client.destroy()
  }
  return (performance.now() - started) / 1000
}
