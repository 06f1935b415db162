import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DynamoDbSessionRepository } from '../../src/adapters/dynamodb-session-repository.js'
import { storageKeyFor } from '../../src/domain/session-id.js'
import { createApp } from '../../src/server/app.js'
import type { Logger } from '../../src/server/request-log.js'
import { cookieClient, CookieJar } from '../support/cookie-jar.js'
import { freshTable } from '../support/dynamodb.js'
import { countSdkCalls } from '../support/sdk-calls.js'
import { SECRET } from '../support/secrets.js'

describe('consumed capacity, as DynamoDB Local reports it', () => {
  let table: Awaited<ReturnType<typeof freshTable>>
  beforeAll(async () => {
    table = await freshTable('capacity')
  })
  afterAll(() => table.drop())

  function appWith(repository: DynamoDbSessionRepository) {
    const lines: Array<Record<string, unknown>> = []
    const logger: Logger = { info: (fields) => lines.push(fields), error: () => {} }
    const app = createApp({ session: { repository, secret: SECRET }, logger })
    return { lines, client: cookieClient((url, init) => app.request(url, init), new CookieJar(), 'http://localhost') }
  }

  it('every request log line carries the read and write capacity units of its session calls', async () => {
    const { lines, client } = appWith(table.repository)
    await client.request('/private') // new session: one PutItem
    await client.request('/private') // returning: one UpdateItem
    await client.request('/') // a read: one strongly consistent GetItem
    await client.request('/healthz') // no session call
    expect(lines.map(({ path, rcu, wcu }) => ({ path, rcu, wcu }))).toEqual([
      { path: '/private', rcu: 0, wcu: 1 },
      { path: '/private', rcu: 0, wcu: 1 },
      { path: '/', rcu: 1, wcu: 0 },
      // Health checks never reach the session middleware: no figures at all.
      { path: '/healthz', rcu: undefined, wcu: undefined },
    ])
  })

  it('SESSION_CONSISTENT_READS=eventual: reads cost half, and a miss is asked again strongly', async () => {
    const eventual = new DynamoDbSessionRepository({ client: table.client, tableName: table.tableName, consistentReads: 'eventual' })
    const calls = countSdkCalls(table.client)
    const { lines, client } = appWith(eventual)
    await client.request('/private')
    calls.reset()
    await client.request('/')
    expect(lines.at(-1)).toMatchObject({ path: '/', rcu: 0.5 })
    expect(calls.snapshot()).toEqual({ GetItem: 1 })
    // A key nobody stored: the eventual miss is followed by a strong read before it counts as absent.
    calls.reset()
    const cost = { readUnits: 0, writeUnits: 0 }
    expect(await eventual.metered(cost).load(await storageKeyFor('never-stored'), Math.floor(Date.now() / 1000))).toBeNull()
    expect(calls.snapshot()).toEqual({ GetItem: 2 })
    expect(cost.readUnits).toBe(1.5)
  })
})
