import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { DynamoDBClient, GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb'
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { notRetriedWhenUnknown } from '../../src/adapters/dynamodb-retries.js'
import { afterEach, describe, expect, it } from 'vitest'
import { createDynamoDbClient } from '../../src/server/dynamodb-client.js'

// The Node entry's client is a plain SDK client set up through public options
// (src/server/dynamodb-client.ts). These tests pin the SDK behaviour the repository
// and that client rely on: a call's abort signal cuts it off, in flight and between
// attempts; a command's own middleware (marked writes) applies to that command only;
// the handler's requestTimeout ends an attempt made without a signal; and the reason
// the client does not cache middleware chains (the document client refuses it).
let server: Server | undefined
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())))

async function fakeDynamoDb(answer: (req: IncomingMessage) => 'hang' | 'ok' | 'throttle' | 'server-error', timeoutMs = 5000) {
  const seen: { closed: boolean }[] = []
  server = createServer((req, res) => {
    const entry = { closed: false }
    seen.push(entry)
    res.on('close', () => (entry.closed = true))
    req.resume()
    const what = answer(req)
    if (what === 'hang') return
    if (what === 'server-error') {
      res.writeHead(500, { 'content-type': 'application/x-amz-json-1.0' })
      return res.end(JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: 'injected' }))
    }
    if (what === 'throttle') {
      res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' })
      return res.end(JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#ThrottlingException', message: 'slow down' }))
    }
    res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end(JSON.stringify({ Item: { id: { S: 'k' } } }))
  })
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve))
  const endpoint = `http://127.0.0.1:${(server!.address() as AddressInfo).port}`
  return { client: createDynamoDbClient({ endpoint, timeoutMs }), seen }
}

const get = () => new GetItemCommand({ TableName: 't', Key: { id: { S: 'k' } } })

describe('the Node entry DynamoDB client', () => {
  it('answers calls with and without an abort signal, again and again', async () => {
    const { client, seen } = await fakeDynamoDb(() => 'ok')
    for (let i = 0; i < 3; i++) {
      expect((await client.send(get(), { abortSignal: AbortSignal.timeout(2000) })).Item).toEqual({ id: { S: 'k' } })
      expect((await client.send(get())).Item).toEqual({ id: { S: 'k' } })
    }
    expect(seen).toHaveLength(6)
    client.destroy()
  })

  it('rejects with an AbortError once the signal fires, and closes the request in flight', async () => {
    const { client, seen } = await fakeDynamoDb(() => 'hang')
    const started = Date.now()
    const error = await client.send(get(), { abortSignal: AbortSignal.timeout(200) }).catch((e: unknown) => e)
    expect((error as Error).name).toBe('AbortError')
    expect(Date.now() - started).toBeLessThan(1500)
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(seen[0]?.closed).toBe(true)
    client.destroy()
  })

  it('rejects on time while the SDK waits between attempts', async () => {
    const { client } = await fakeDynamoDb(() => 'throttle')
    const started = Date.now()
    const error = await client.send(get(), { abortSignal: AbortSignal.timeout(30) }).catch((e: unknown) => e)
    expect(['AbortError', 'ThrottlingException']).toContain((error as Error).name)
    expect(Date.now() - started).toBeLessThan(500)
    client.destroy()
  })

  it('injects a fault (500 on every call): a write marked not to be resent is sent once, unmarked calls of the same class are retried', async () => {
    const { client, seen } = await fakeDynamoDb(() => 'server-error')
    const update = () => new UpdateItemCommand({ TableName: 't', Key: { id: { S: 'k' } }, UpdateExpression: 'SET v = :v', ExpressionAttributeValues: { ':v': { N: '1' } } })
    const signal = () => ({ abortSignal: AbortSignal.timeout(5000) })
    for (const order of [['marked', 'plain'], ['plain', 'marked']] as const) {
      for (const kind of order) {
        const before = seen.length
        const error = await client.send(kind === 'marked' ? notRetriedWhenUnknown(update()) : update(), signal()).catch((e: unknown) => e)
        expect((error as Error).name).toBe(kind === 'marked' ? 'WriteOutcomeUnknownError' : 'InternalServerError')
        // The marked write went out once; the plain one was retried up to the client's 3 attempts.
        expect(seen.length - before).toBe(kind === 'marked' ? 1 : 3)
      }
    }
    client.destroy()
  })

  it('ends an attempt made without a signal at the handler\'s requestTimeout, on every attempt', async () => {
    const { client, seen } = await fakeDynamoDb(() => 'hang', 150)
    const started = Date.now()
    const error = await client.send(get()).catch((e: unknown) => e)
    expect((error as Error).name).toBe('TimeoutError')
    // Three attempts of 150 ms each, plus the SDK's waits between them: well under the 5 s a test allows.
    expect(Date.now() - started).toBeGreaterThanOrEqual(3 * 150)
    expect(Date.now() - started).toBeLessThan(4000)
    expect(seen).toHaveLength(3)
    client.destroy()
  })

  it('cannot cache middleware chains: the document client refuses a client with cacheMiddleware', () => {
    const cached = new DynamoDBClient({ region: 'us-east-1', endpoint: 'http://127.0.0.1:9', credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, cacheMiddleware: true })
    expect(() => DynamoDBDocumentClient.from(cached)).toThrow(/cacheMiddleware/)
    cached.destroy()
  })
})
