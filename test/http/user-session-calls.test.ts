import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DynamoDbSessionRepository } from '../../src/adapters/dynamodb-session-repository.js'
import { createApp } from '../../src/server/app.js'
import { cookieClient, CookieJar, type CookieClient } from '../support/cookie-jar.js'
import { freshTable, testClient } from '../support/dynamodb.js'
import { countSdkCalls, type SdkCalls } from '../support/sdk-calls.js'
import { SECRET } from '../support/secrets.js'

const json = { 'content-type': 'application/json' }

// The costs docs/user-sessions.md states, counted on the wire.
describe("DynamoDB calls of a user's sessions, counted against DynamoDB Local", () => {
  let table: Awaited<ReturnType<typeof freshTable>>
  const client = testClient()
  let calls: SdkCalls
  let app: ReturnType<typeof createApp>
  let repository: DynamoDbSessionRepository

  beforeAll(async () => {
    table = await freshTable('user-calls')
    calls = countSdkCalls(client)
    repository = new DynamoDbSessionRepository({ client, tableName: table.tableName, timeoutMs: 5000 })
    app = createApp({ session: { repository, secret: SECRET } })
  })
  afterAll(async () => {
    client.destroy()
    await table?.drop()
  })

  const device = () => cookieClient((url, init) => app.request(url, init), new CookieJar(), 'http://localhost')

  async function callsOf(request: () => Promise<Response>, status: number) {
    calls.reset()
    const response = await request()
    expect(response.status, await response.text()).toBe(status)
    return calls.snapshot()
  }

  const login = (c: CookieClient, user: string) => c.request('/login', { method: 'POST', headers: json, body: JSON.stringify({ user }) })

  it('login of a user who has sessions: reads, then one transaction; listing: 1 GetItem + 1 BatchGetItem; a visit: 1 UpdateItem', async () => {
    const first = device()
    await first.request('/private')
    await login(first, 'carol')
    const second = device()
    await second.request('/private')
    expect(await callsOf(() => login(second, 'carol'), 200)).toEqual({ GetItem: 2, TransactWriteItems: 1 })

    // GET /sessions: the session itself, then the index and the batch.
    expect(await callsOf(() => second.request('/sessions'), 200)).toEqual({ BatchGetItem: 1, GetItem: 2 })
    expect(await callsOf(() => second.request('/private'), 200)).toEqual({ UpdateItem: 1 })
  })

  it('revokeUserSessions: one read of the index, then one transaction that takes the sessions out of it and deletes them', async () => {
    const devices = [device(), device(), device()]
    for (const d of devices) await login(d, 'dave')
    calls.reset()
    expect(await repository.revokeUserSessions('dave', 'all', Math.floor(Date.now() / 1000))).toBe(3)
    expect(calls.snapshot()).toEqual({ GetItem: 1, TransactWriteItems: 1 })
  })

  it('POST /sessions/revoke-others: the session read, then revokeUserSessions for the others (index read, one transaction)', async () => {
    const devices = [device(), device(), device()]
    for (const d of devices) await login(d, 'erin')
    expect(await callsOf(() => devices[0]!.request('/sessions/revoke-others', { method: 'POST', headers: json }), 204)).toEqual({
      GetItem: 2,
      TransactWriteItems: 1,
    })
  })
})
