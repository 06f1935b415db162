import type { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { DynamoDbSessionRepository } from '../../src/adapters/dynamodb-session-repository.js'
import { storageKeyFor } from '../../src/domain/session-id.js'
import { createApp } from '../../src/server/app.js'
import { CookieJar, cookieClient } from '../support/cookie-jar.js'
import { freshTable, testClient } from '../support/dynamodb.js'
import { countSdkCalls, type SdkCalls } from '../support/sdk-calls.js'
import { SECRET } from '../support/secrets.js'

const TTL_SECONDS = 1000
const THRESHOLD = 0.5

describe('DynamoDB calls per request, counted on the wire against DynamoDB Local', () => {
  let table: Awaited<ReturnType<typeof freshTable>>
  let client: DynamoDBClient
  let calls: SdkCalls
  let nowMs = Date.now()

  beforeAll(async () => {
    table = await freshTable('calls')
    // A separate client for the app, so only the app's own calls are counted.
    client = testClient()
    calls = countSdkCalls(client)
  })
  afterAll(async () => {
    client?.destroy()
    await table?.drop()
  })
  beforeEach(() => {
    nowMs = Date.now()
  })

  /** The demo app over the counted client; each test has its own visitor. */
  function visitor() {
    const repository = new DynamoDbSessionRepository({ client, tableName: table.tableName, timeoutMs: 5000 })
    const app = createApp({
      session: {
        repository,
        secret: SECRET,
        ttlSeconds: TTL_SECONDS,
        refreshThreshold: THRESHOLD,
        clock: () => nowMs,
      },
    })
    const { jar, request } = cookieClient((url, init) => app.request(url, init), new CookieJar(), 'http://localhost')
    return {
      jar,
      /** The storage key of the session the cookie names (its value is `<id>.<signature>`). */
      storageKey: () => storageKeyFor(jar.get('sid')!.split('.')[0]!),
      get: (path: string) => request(path),
    }
  }

  /** The calls one request makes, counted from zero. */
  async function callsOf(request: () => Promise<Response>) {
    calls.reset()
    const response = await request()
    const body = await response.text()
    return { response, body, calls: calls.snapshot() }
  }

  it('a fresh session on GET /private costs exactly one write: a PutItem', async () => {
    const alice = visitor()
    const first = await callsOf(() => alice.get('/private'))
    expect(first.body).toBe('The /private page has been visited 1 times.')
    expect(first.response.headers.getSetCookie()).toHaveLength(1)
    expect(first.calls).toEqual({ PutItem: 1 })
  })

  it('a returning GET /private costs exactly one call: an UpdateItem, no read', async () => {
    const alice = visitor()
    await alice.get('/private')
    for (const n of [2, 3]) {
      const visit = await callsOf(() => alice.get('/private'))
      expect(visit.body).toBe(`The /private page has been visited ${n} times.`)
      expect(visit.calls).toEqual({ UpdateItem: 1 })
    }
  })

  it('a request that only reads the session (GET / with a cookie, far from expiry) costs one GetItem and no write', async () => {
    const alice = visitor()
    await alice.get('/private')
    const before = await table.scan()
    const read = await callsOf(() => alice.get('/'))
    expect(read.response.status).toBe(200)
    expect(read.body).toContain('Visits to /private in this session: 1<')
    expect(read.response.headers.getSetCookie()).toEqual([])
    expect(read.calls).toEqual({ GetItem: 1 })
    expect(await table.scan()).toEqual(before)
  })

  it('a read with more than the threshold of the TTL left still writes nothing', async () => {
    const alice = visitor()
    await alice.get('/private')
    nowMs += (TTL_SECONDS * (1 - THRESHOLD) - 100) * 1000 // 600 s of 1000 left: above half
    const read = await callsOf(() => alice.get('/'))
    expect(read.calls).toEqual({ GetItem: 1 })
  })

  it('a read near expiry writes the refreshed expiry once; the next read does not write again', async () => {
    const alice = visitor()
    await alice.get('/private')
    const createdAt = Math.floor(nowMs / 1000)
    nowMs += (TTL_SECONDS * (1 - THRESHOLD) + 100) * 1000 // 400 s of 1000 left: below half
    const now = Math.floor(nowMs / 1000)

    const refresh = await callsOf(() => alice.get('/'))
    expect(refresh.response.status).toBe(200)
    expect(refresh.calls).toEqual({ GetItem: 1, UpdateItem: 1 })
    expect(refresh.response.headers.getSetCookie()).toHaveLength(1)
    const key = await alice.storageKey()
    const item = (await table.scan()).find((i) => i.id?.S === key)
    expect(item?.createdAt).toEqual({ N: String(createdAt) })
    expect(item?.expires).toEqual({ N: String(now + TTL_SECONDS) })

    const again = await callsOf(() => alice.get('/'))
    expect(again.calls).toEqual({ GetItem: 1 })
  })

  it('a request that never touches the session (GET /healthz) makes no call, with or without a cookie', async () => {
    const alice = visitor()
    expect((await callsOf(() => alice.get('/healthz'))).calls).toEqual({})
    await alice.get('/private')
    expect(alice.jar.header()).not.toBe('')
    const health = await callsOf(() => alice.get('/healthz'))
    expect(health.response.status).toBe(200)
    expect(health.calls).toEqual({})
  })
})
