import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb'
import { notRetriedWhenUnknown } from '../../src/adapters/dynamodb-retries.js'
import { afterEach, describe, expect, it } from 'vitest'
import { createDynamoDbClient } from '../../src/server/dynamodb-client.js'

// The Node entry's client keeps each command's middleware chain and carries the
// repository's abort signal itself (src/server/dynamodb-client.ts): calls must still
// work, and the signal must still cut a call off, in flight and between attempts.
let server: Server | undefined
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())))

async function fakeDynamoDb(answer: (req: IncomingMessage) => 'hang' | 'ok' | 'throttle' | 'server-error') {
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
  return { client: createDynamoDbClient({ endpoint, timeoutMs: 5000 }), seen }
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

  it('injects a fault (500 on every call): a write marked not to be resent keeps its own chain, apart from unmarked calls of the same class', async () => {
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
})
