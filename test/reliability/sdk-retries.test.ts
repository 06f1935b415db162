import { DeleteItemCommand } from '@aws-sdk/client-dynamodb'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { storageKeyFor } from '../../src/domain/session-id.js'
import { endpoint, testClient, uniqueTableName } from '../support/dynamodb.js'
import { cookieClient } from '../support/cookie-jar.js'
import { startServer, type ServerProcess } from '../support/server-process.js'
import { keyOf, startDynamoDbProxy, type DynamoDbProxy } from './support/dynamodb-proxy.js'
import { sessionIdIn, storedViews } from './support/stored-session.js'

/** The SDK's attempts per call, as configured in src/server/dynamodb-client.ts. */
const MAX_ATTEMPTS = 3

describe('DynamoDB errors between the real server and DynamoDB Local', () => {
  const table = uniqueTableName('retries')
  const client = testClient()
  let proxy: DynamoDbProxy
  let server: ServerProcess
  beforeAll(async () => {
    proxy = await startDynamoDbProxy(endpoint())
    // A deadline far above the SDK's backoff, so the attempt limit is what ends the retries here.
    server = await startServer({ SESSION_STORE: 'dynamodb', DYNAMODB_ENDPOINT: proxy.endpoint, SESSION_TABLE: table, DYNAMODB_TIMEOUT_MS: '20000' })
  })
  afterAll(async () => {
    await server?.kill()
    await proxy?.close()
    client.destroy()
  })

  /** A visitor with a stored session (one visit), and the storage key of that session. */
  async function visitorWithSession() {
    const visitor = cookieClient(fetch)
    expect((await visitor.request(`${server.url}/private`)).status).toBe(200)
    return { visitor, key: await storageKeyFor(sessionIdIn(visitor.jar)) }
  }
  const callsFor = (key: string, operation: string) => proxy.calls.filter((c) => c.operation === operation && keyOf(c) === key)

  /** Answers the first `times` UpdateItem calls on `key` with the given error (a fault injection), then forwards. */
  function failUpdates(key: string, times: number, status: number, errorType: string) {
    let failed = 0
    proxy.setRule((call) => {
      if (call.operation !== 'UpdateItem' || keyOf(call) !== key || failed >= times) return 'forward'
      failed++
      return { status, errorType, message: 'injected by the test proxy' }
    })
  }

  it.each([
    [400, 'ThrottlingException'],
    [400, 'ProvisionedThroughputExceededException'],
  ])('injects a fault (%i %s twice): the SDK retries the call and the visit succeeds, counted once', async (status, errorType) => {
    const { visitor, key } = await visitorWithSession()
    failUpdates(key, MAX_ATTEMPTS - 1, status, errorType)
    try {
      const response = await visitor.request(`${server.url}/private`)
      expect(response.status).toBe(200)
      expect(await response.text()).toBe('The /private page has been visited 2 times.')
    } finally {
      proxy.setRule(() => 'forward')
    }
    const updates = callsFor(key, 'UpdateItem')
    expect(updates.map((c) => c.errorType ?? c.status)).toEqual([errorType, errorType, 200])
    expect(await storedViews(client, table, visitor.jar)).toBe(2)
  })

  it('injects a fault (500 InternalServerError on a write): the write is not retried, since it may have been applied, and the visit answers 503', async () => {
    const { visitor, key } = await visitorWithSession()
    failUpdates(key, 1, 500, 'InternalServerError')
    try {
      const response = await visitor.request(`${server.url}/private`)
      expect(response.status).toBe(503)
      expect(response.headers.get('retry-after')).toBe('2')
    } finally {
      proxy.setRule(() => 'forward')
    }
    expect(callsFor(key, 'UpdateItem').map((c) => c.errorType ?? c.status)).toEqual(['InternalServerError'])
    // This fault was injected before DynamoDB saw the call, so nothing was counted; the next visit says 2.
    expect(await (await visitor.request(`${server.url}/private`)).text()).toBe('The /private page has been visited 2 times.')
  })

  it('injects a fault (500 InternalServerError twice on a read): reads are retried, the page is served', async () => {
    const { visitor, key } = await visitorWithSession()
    let failed = 0
    proxy.setRule((call) => {
      if (call.operation !== 'GetItem' || keyOf(call) !== key || failed >= MAX_ATTEMPTS - 1) return 'forward'
      failed++
      return { status: 500, errorType: 'InternalServerError', message: 'injected by the test proxy' }
    })
    try {
      const response = await visitor.request(`${server.url}/`)
      expect(response.status).toBe(200)
      expect(await response.text()).toContain('Visits to /private in this session: 1')
    } finally {
      proxy.setRule(() => 'forward')
    }
    expect(callsFor(key, 'GetItem').map((c) => c.errorType ?? c.status)).toEqual(['InternalServerError', 'InternalServerError', 200])
  })

  it('injects a fault (ThrottlingException on every attempt): retries stop at the limit and the client gets 503 with Retry-After', async () => {
    const { visitor, key } = await visitorWithSession()
    failUpdates(key, Number.POSITIVE_INFINITY, 400, 'ThrottlingException')
    try {
      const response = await visitor.request(`${server.url}/private`)
      expect(response.status).toBe(503)
      expect(response.headers.get('retry-after')).toMatch(/^\d+$/)
    } finally {
      proxy.setRule(() => 'forward')
    }
    expect(callsFor(key, 'UpdateItem')).toHaveLength(MAX_ATTEMPTS)
    // Nothing was applied, and the session is still there for the next try.
    expect(await storedViews(client, table, visitor.jar)).toBe(1)
    expect(await (await visitor.request(`${server.url}/private`)).text()).toBe('The /private page has been visited 2 times.')
  })

  it('does not resend a write that DynamoDB refused with ConditionalCheckFailedException', async () => {
    const { visitor, key } = await visitorWithSession()
    // The session disappears behind the server's back (as after a logout elsewhere), so the guarded increment fails its condition.
    await client.send(new DeleteItemCommand({ TableName: table, Key: { id: { S: key } } }))

    const response = await visitor.request(`${server.url}/private`)
    expect(response.status).toBe(200)
    // Not retried as is: the server gave up on the gone session and started a new one.
    expect(await response.text()).toBe('The /private page has been visited 1 times.')
    expect(callsFor(key, 'UpdateItem').map((c) => c.errorType)).toEqual(['ConditionalCheckFailedException'])
    expect(callsFor(key, 'PutItem')).toHaveLength(1) // only its creation, at the first visit: never recreated
    expect(await storageKeyFor(sessionIdIn(visitor.jar))).not.toBe(key)
  })
})
