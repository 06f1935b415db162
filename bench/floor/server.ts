// The floor of the benchmark: the least a DynamoDB-backed visit counter can do.
// Plain node:http, no framework, no signing, no hashing: the cookie value is the
// item's key, and every visit to /private is one UpdateItem through the AWS SDK
// (ADD views :one, returning the new count). Not a session library, and not safe
// as one (a cookie is guessable only by luck, but nothing checks it is ours); it
// shows what the SDK call and node:http cost on their own.
// Same route, same text and the same environment contract as our server and the
// baseline: PORT, DYNAMODB_ENDPOINT, SESSION_TABLE (SESSION_SECRET is accepted and unused).
import { randomBytes } from 'node:crypto'
import { createServer } from 'node:http'
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb'

const port = Number(process.env.PORT ?? 3002)
const endpoint = process.env.DYNAMODB_ENDPOINT
const table = process.env.SESSION_TABLE ?? 'sessions-floor'
const COOKIE = 'sid'
const TTL_SECONDS = 86_400

const client = new DynamoDBClient({
  region: process.env.AWS_REGION ?? 'us-east-1',
  ...(endpoint ? { endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
})

async function ensureTable(): Promise<void> {
  try {
    await client.send(new DescribeTableCommand({ TableName: table }))
  } catch {
    await client.send(
      new CreateTableCommand({
        TableName: table,
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    )
  }
}
await ensureTable()

const ID = /^[A-Za-z0-9_-]{43}$/

/** The value of our cookie in a Cookie header, when it has the shape of an id. */
function cookieId(header: string | undefined): string | null {
  if (!header) return null
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === COOKIE) {
      const value = part.slice(eq + 1).trim()
      return ID.test(value) ? value : null
    }
  }
  return null
}

/** One UpdateItem: counts the visit (creating the item on a first one) and returns the new count. */
async function countVisit(id: string): Promise<number> {
  const now = Math.floor(Date.now() / 1000)
  const out = await client.send(
    new UpdateItemCommand({
      TableName: table,
      Key: { id: { S: id } },
      UpdateExpression: 'ADD #views :one SET #expires = :expires',
      ExpressionAttributeNames: { '#views': 'views', '#expires': 'expires' },
      ExpressionAttributeValues: { ':one': { N: '1' }, ':expires': { N: String(now + TTL_SECONDS) } },
      ReturnValues: 'UPDATED_NEW',
      ReturnConsumedCapacity: 'TOTAL',
    }),
  )
  return Number(out.Attributes?.views?.N ?? 0)
}

const server = createServer((req, res) => {
  const path = req.url?.split('?')[0]
  if (path === '/healthz') {
    res.writeHead(200, { 'content-type': 'text/plain; charset=UTF-8' }).end('ok')
    return
  }
  if (path !== '/private' || req.method !== 'GET') {
    res.writeHead(404, { 'content-type': 'text/plain; charset=UTF-8' }).end('Not Found')
    return
  }
  const incoming = cookieId(req.headers.cookie)
  const id = incoming ?? randomBytes(32).toString('base64url')
  countVisit(id).then(
    (n) => {
      const headers: Record<string, string> = { 'content-type': 'text/plain; charset=UTF-8', 'cache-control': 'private, no-store' }
      if (incoming === null) headers['set-cookie'] = `${COOKIE}=${id}; Max-Age=${TTL_SECONDS}; Path=/; HttpOnly; SameSite=Lax`
      res.writeHead(200, headers).end(`The /private page has been visited ${n} times.`)
    },
    () => res.writeHead(503, { 'content-type': 'text/plain; charset=UTF-8' }).end('Service Unavailable'),
  )
})

server.listen(port, '127.0.0.1', () => console.log(`floor listening on http://127.0.0.1:${port}`))
process.on('SIGTERM', () => server.close(() => process.exit(0)))
