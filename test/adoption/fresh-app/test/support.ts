import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { DynamoDbSessionRepository, ensureSessionTable, MemorySessionRepository, type SessionRepository } from 'hono-dynamodb-session'
import { afterAll } from 'vitest'

export const SECRET = 'fresh-app-secret-0123456789-abcdefghij'

/** DynamoDB Local's address, from the test that installed this app. */
export function endpoint(): string {
  const given = process.env.DYNAMODB_ENDPOINT
  if (!given) throw new Error('DYNAMODB_ENDPOINT must name DynamoDB Local, e.g. http://127.0.0.1:8000')
  return given
}

/** A client for `url`; DynamoDB Local takes any credentials. */
export const dynamoDbClient = (url: string): DynamoDBClient =>
  new DynamoDBClient({ endpoint: url, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } })

export interface StoreUnderTest {
  readonly name: 'memory' | 'DynamoDB'
  /** A repository; for memory, `latencyMs` makes parallel requests interleave as on a network store. */
  make(options?: { readonly latencyMs?: number }): Promise<SessionRepository>
}

/** Both stores, for describe.each; the DynamoDB one gets a table of its own, dropped after the file's tests. */
export function bothStores(): StoreUnderTest[] {
  let table: Promise<{ client: DynamoDBClient; tableName: string }> | null = null
  const shared = () =>
    (table ??= (async () => {
      const client = dynamoDbClient(endpoint())
      const tableName = `fresh-app-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`
      await ensureSessionTable({ client, tableName, create: true })
      return { client, tableName }
    })())
  afterAll(async () => {
    if (!table) return
    const { client, tableName } = await table
    await client.send(new DeleteTableCommand({ TableName: tableName })).catch(() => {})
    client.destroy()
  })
  return [
    { name: 'memory', make: async (options = {}) => new MemorySessionRepository(options) },
    { name: 'DynamoDB', make: async () => new DynamoDbSessionRepository({ ...(await shared()), timeoutMs: 5000 }) },
  ]
}

type App = { request(url: string, init?: RequestInit): Response | Promise<Response> }

/** A browser with a cookie jar over an app, at `origin`. */
export function browser(app: App, origin = 'http://localhost') {
  const jar = new Map<string, string>()
  return {
    jar,
    async fetch(path: string, init: RequestInit = {}): Promise<Response> {
      const headers = new Headers(init.headers)
      if (jar.size > 0) headers.set('cookie', [...jar].map(([name, value]) => `${name}=${value}`).join('; '))
      const response = await app.request(`${origin}${path}`, { ...init, headers })
      for (const line of response.headers.getSetCookie()) {
        const [pair = ''] = line.split(';')
        const name = pair.slice(0, pair.indexOf('='))
        const value = pair.slice(pair.indexOf('=') + 1)
        if (value === '' || /max-age=0/i.test(line)) jar.delete(name)
        else jar.set(name, value)
      }
      return response
    },
    post(path: string, body?: string): Promise<Response> {
      return this.fetch(path, { method: 'POST', ...(body === undefined ? {} : { body }) })
    },
  }
}

/** Lets `parties` requests through only once all of them have arrived. */
export function barrier(parties: number): () => Promise<void> {
  let arrived = 0
  let open = () => {}
  const opened = new Promise<void>((resolve) => (open = resolve))
  return () => {
    if (++arrived === parties) open()
    return opened
  }
}
