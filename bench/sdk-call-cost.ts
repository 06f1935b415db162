// What one DynamoDB SDK call costs the caller's CPU, by how the client is built and
// called: the question behind "does the per-call abort signal make the SDK rebuild its
// middleware chain, and what does that cost?". The answers come from a canned stand-in
// for DynamoDB in a child process (so its work is not counted), and the CPU time of this
// process (process.cpuUsage) over a fixed number of calls, 16 in flight.
//
//   npx tsx bench/sdk-call-cost.ts [calls per variant, default 20000] [rounds, default 3]
import { fork } from 'node:child_process'
import { createServer } from 'node:http'
import { fileURLToPath } from 'node:url'
import { DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb'
import { NodeHttpHandler } from '@smithy/node-http-handler'
import { notRetriedWhenUnknown } from '../src/adapters/dynamodb-retries.js'
import { createDynamoDbClient } from '../src/server/dynamodb-client.js'

const ANSWER = JSON.stringify({
  Attributes: { data: { M: { views: { N: '41' } } }, version: { N: '41' }, maxExpires: { N: '1900000000' }, createdAt: { N: '1700000000' } },
  ConsumedCapacity: { TableName: 't', CapacityUnits: 1 },
})

/** The stand-in: answers every request with the same UpdateItem reply. */
function serveCanned(): void {
  const server = createServer((req, res) => {
    req.resume()
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end(ANSWER))
  })
  server.keepAliveTimeout = 60_000
  server.listen(0, '127.0.0.1', () => process.send!((server.address() as { port: number }).port))
}

/** The increment the repository sends on every returning visit. */
const increment = () =>
  new UpdateItemCommand({
    ReturnConsumedCapacity: 'TOTAL',
    TableName: 't',
    Key: { id: { S: 'aVeryLongStorageKeyOfFortyThreeCharactersXX' } },
    UpdateExpression: 'SET #data.#f = if_not_exists(#data.#f, :zero) + :by, #expires = :expiresNew ADD #version :one',
    ConditionExpression: 'attribute_exists(#id) AND #expires > :now',
    ExpressionAttributeNames: { '#data': 'data', '#f': 'views', '#expires': 'expires', '#version': 'version', '#id': 'id' },
    ExpressionAttributeValues: { ':now': { N: '1' }, ':zero': { N: '0' }, ':by': { N: '1' }, ':expiresNew': { N: '2' }, ':one': { N: '1' } },
    ReturnValues: 'UPDATED_OLD',
  })

interface Variant {
  readonly name: string
  readonly client: (endpoint: string) => DynamoDBClient
  readonly call: (client: DynamoDBClient) => Promise<unknown>
}

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' }
const handler = () => new NodeHttpHandler({ connectionTimeout: 1000, requestTimeout: 2000, throwOnRequestTimeout: true })
const plain = (endpoint: string, extra: Partial<ConstructorParameters<typeof DynamoDBClient>[0]> = {}) =>
  new DynamoDBClient({ endpoint, region: 'us-east-1', credentials, maxAttempts: 3, requestHandler: handler(), ...extra })
const signal = () => ({ abortSignal: AbortSignal.timeout(2000) })

export const VARIANTS: Variant[] = [
  { name: 'plain client, no options', client: (e) => plain(e), call: (c) => c.send(increment()) },
  { name: 'plain client, { abortSignal } per call', client: (e) => plain(e), call: (c) => c.send(increment(), signal()) },
  { name: 'plain client, marked write, { abortSignal }', client: (e) => plain(e), call: (c) => c.send(notRetriedWhenUnknown(increment()), signal()) },
  { name: 'cacheMiddleware: true, no options', client: (e) => plain(e, { cacheMiddleware: true }), call: (c) => c.send(increment()) },
  { name: 'cacheMiddleware: true, { abortSignal }', client: (e) => plain(e, { cacheMiddleware: true }), call: (c) => c.send(increment(), signal()) },
  { name: 'createDynamoDbClient (src/server), marked write, { abortSignal }', client: (e) => createDynamoDbClient({ endpoint: e, timeoutMs: 2000 }), call: (c) => c.send(notRetriedWhenUnknown(increment()), signal()) },
]

async function measure(variant: Variant, endpoint: string, calls: number, inFlight = 16): Promise<number> {
  const client = variant.client(endpoint)
  let next = 0
  const worker = async () => {
    while (next++ < calls) await variant.call(client)
  }
  // Warm the connections and the JIT before counting.
  for (let i = 0; i < 2000; i++) await variant.call(client)
  const before = process.cpuUsage()
  await Promise.all(Array.from({ length: inFlight }, worker))
  const used = process.cpuUsage(before)
  client.destroy()
  return (used.user + used.system) / 1000 / calls
}

async function main(): Promise<void> {
  const calls = Number(process.argv[2] ?? 20_000)
  const rounds = Number(process.argv[3] ?? 3)
  const child = fork(fileURLToPath(import.meta.url), ['--serve'], { execArgv: ['--import', 'tsx'], stdio: 'inherit' })
  const port = await new Promise<number>((resolve) => child.once('message', (m) => resolve(Number(m))))
  const endpoint = `http://127.0.0.1:${port}`
  try {
    const results = new Map<string, number[]>()
    for (let round = 0; round < rounds; round++) {
      for (const variant of VARIANTS) {
        const ms = await measure(variant, endpoint, calls)
        results.set(variant.name, [...(results.get(variant.name) ?? []), ms])
      }
    }
    console.log(`CPU ms per call of the calling process (median of ${rounds} rounds of ${calls} calls, 16 in flight):`)
    for (const [name, runs] of results) {
      const sorted = [...runs].sort((a, b) => a - b)
      console.log(`  ${sorted[Math.floor(sorted.length / 2)]!.toFixed(3)}  ${name}  (${runs.map((r) => r.toFixed(3)).join(', ')})`)
    }
  } finally {
    child.kill()
  }
}

if (process.argv.includes('--serve')) serveCanned()
else await main()
