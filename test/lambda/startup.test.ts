import { DeleteTableCommand } from '@aws-sdk/client-dynamodb'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { freePort } from '../../scripts/dynamodb-local.js'
import { createLambdaHandler } from '../../src/server/lambda.js'
import { startDynamoDbProxy, type DynamoDbProxy } from '../reliability/support/dynamodb-proxy.js'
import { endpoint, testClient, uniqueTableName } from '../support/dynamodb.js'
import { answerOf, eventFor } from './crafted-events.js'

import { SECRET } from '../support/secrets.js'
const client = testClient()
const tables: string[] = []
afterAll(async () => {
  await Promise.all(tables.map((t) => client.send(new DeleteTableCommand({ TableName: t })).catch(() => {})))
  client.destroy()
})

function environment(extra: Record<string, string>) {
  const table = uniqueTableName('lambda-startup')
  tables.push(table)
  return { SESSION_STORE: 'dynamodb', AWS_REGION: 'us-east-1', SESSION_TABLE: table, SESSION_SECRET: SECRET, LOG_LEVEL: 'silent', ...extra }
}

/** One invocation through an HTTP API, timed. */
async function invoke(handler: ReturnType<typeof createLambdaHandler>, path: string) {
  const started = performance.now()
  const result = await handler(eventFor('http-api', { path }))
  return { ...answerOf('http-api', result), elapsedMs: performance.now() - started }
}

describe('Lambda start-up when DynamoDB is not usable', () => {
  let proxy: DynamoDbProxy | undefined
  afterEach(async () => {
    await proxy?.close()
    proxy = undefined
  })

  it('a store that refuses connections: 503 with Retry-After on every invocation, /healthz 200, never a thrown invocation', async () => {
    const closed = await freePort()
    const handler = createLambdaHandler(environment({ DYNAMODB_ENDPOINT: `http://127.0.0.1:${closed}`, DYNAMODB_TIMEOUT_MS: '500' }))
    for (let i = 0; i < 3; i++) {
      const answer = await invoke(handler, '/private')
      expect(answer.status).toBe(503)
      expect(answer.headers['retry-after']).toBe('2')
      expect(answer.headers['cache-control']).toBe('no-store')
      expect(answer.setCookies).toEqual([])
      expect(answer.body).toBe('Session store unavailable, please retry shortly.')
      const health = await invoke(handler, '/healthz')
      expect(health.status).toBe(200)
      expect(health.body).toBe('ok')
    }
  })

  it('a hanging store costs one DYNAMODB_TIMEOUT_MS per invocation, not the SDK attempts; once it answers, a later invocation starts up and serves', async () => {
    proxy = await startDynamoDbProxy(endpoint())
    let releaseHeld!: () => void
    const held = new Promise<void>((resolve) => (releaseHeld = resolve))
    let hanging = true
    proxy.setRule(async () => {
      if (hanging) await held
      return 'forward' as const
    })
    const handler = createLambdaHandler(environment({ DYNAMODB_ENDPOINT: proxy.endpoint, DYNAMODB_TIMEOUT_MS: '1000' }))

    const first = await invoke(handler, '/private')
    expect(first.status).toBe(503)
    expect(first.headers['retry-after']).toBe('2')
    // The SDK alone would take 3 attempts of 1 s each (plus backoff) before giving up.
    expect(first.elapsedMs).toBeLessThan(2500)
    const health = await invoke(handler, '/healthz')
    expect(health.status).toBe(200)
    expect(health.elapsedMs).toBeLessThan(500)
    const second = await invoke(handler, '/private')
    expect(second.status).toBe(503)
    expect(second.elapsedMs).toBeLessThan(2500)

    hanging = false
    releaseHeld()
    let answer = await invoke(handler, '/private')
    const deadline = Date.now() + 20_000
    while (answer.status === 503 && Date.now() < deadline) answer = await invoke(handler, '/private')
    expect(answer.status).toBe(200)
    expect(answer.body).toBe('The /private page has been visited 1 times.')
  })

  it('a bad configuration fails each invocation with the message naming the variable, read once', async () => {
    const env: Record<string, string> = environment({ DYNAMODB_ENDPOINT: endpoint(), SESSION_SECRET: 'too-short' })
    const handler = createLambdaHandler(env)
    await expect(handler(eventFor('http-api', { path: '/private' }))).rejects.toThrow(/SESSION_SECRET/)
    // Read once per container: the environment of a running function never changes.
    env.SESSION_SECRET = SECRET
    await expect(handler(eventFor('http-api', { path: '/private' }))).rejects.toThrow(/SESSION_SECRET/)
  })
})

describe('the DynamoDB actions a Lambda container calls, per SESSION_CREATE_TABLE (docs/operations.md lists them for IAM)', () => {
  let proxy: DynamoDbProxy | undefined
  afterEach(async () => {
    await proxy?.close()
    proxy = undefined
  })

  it('true: DescribeTable, CreateTable, DescribeTimeToLive, UpdateTimeToLive on a missing table, then the item calls', async () => {
    proxy = await startDynamoDbProxy(endpoint())
    const env = environment({ DYNAMODB_ENDPOINT: proxy.endpoint, DYNAMODB_TIMEOUT_MS: '15000' })
    const first = createLambdaHandler(env)
    expect((await invoke(first, '/private')).status).toBe(200)
    const coldStart = new Set(proxy.calls.map((c) => c.operation))
    expect([...coldStart].sort()).toEqual(['CreateTable', 'DescribeTable', 'DescribeTimeToLive', 'PutItem', 'UpdateTimeToLive'])

    // A later container finds the table and its TTL in place: two control-plane reads on each cold start.
    const seen = proxy.calls.length
    expect((await invoke(createLambdaHandler(env), '/private')).status).toBe(200)
    expect([...new Set(proxy.calls.slice(seen).map((c) => c.operation))].sort()).toEqual(['DescribeTable', 'DescribeTimeToLive', 'PutItem'])
  })

  it('false: only DescribeTable at start-up; a missing table is a 503 until it exists', async () => {
    proxy = await startDynamoDbProxy(endpoint())
    const env = environment({ DYNAMODB_ENDPOINT: proxy.endpoint, DYNAMODB_TIMEOUT_MS: '15000', SESSION_CREATE_TABLE: 'false' })
    const handler = createLambdaHandler(env)
    expect((await invoke(handler, '/private')).status).toBe(503)
    expect([...new Set(proxy.calls.map((c) => c.operation))]).toEqual(['DescribeTable'])

    // Someone creates the table (infrastructure as code, say): the next invocation starts up.
    expect((await invoke(createLambdaHandler({ ...env, SESSION_CREATE_TABLE: 'true' }), '/healthz')).status).toBe(200)
    expect((await invoke(createLambdaHandler({ ...env, SESSION_CREATE_TABLE: 'true' }), '/private')).status).toBe(200)
    const seen = proxy.calls.length
    const served = await invoke(handler, '/private')
    expect(served.status).toBe(200)
    expect([...new Set(proxy.calls.slice(seen).map((c) => c.operation))].sort()).toEqual(['DescribeTable', 'PutItem'])
  })
})
