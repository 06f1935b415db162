import { PutItemCommand } from '@aws-sdk/client-dynamodb'
import { describe, expect, it } from 'vitest'
import { userIndexKey } from '../../src/adapters/dynamodb-item.js'
import { handleFor } from '../../src/domain/session-handle.js'
import { dynamoDbServerEnv } from '../support/dynamodb-server.js'
import {
  keyOf,
  liveSessionsOf,
  loggedIn,
  nowSeconds,
  send,
  json,
  twoServersOnOneTable,
  userIndexOf,
  type Answer,
  type Table,
} from '../support/lifecycle-e2e.js'
import { startServer, type ServerProcess } from '../support/server-process.js'

// Issue 20, "The per-user cap does not hold when logins race" and "A user with many
// sessions cannot log in": the user index under racing logins, with hundreds of expired
// entries, and with a cap lowered below what a user holds.

const DAY = 86_400

const tryLogin = (server: ServerProcess, user: string): Promise<Answer> =>
  send(server, '/login', { method: 'POST', headers: json, body: JSON.stringify({ user }) })

/** GET /sessions with `cookie`: the handles listed. */
async function handlesListed(server: ServerProcess, cookie: string): Promise<string[]> {
  const answer = await send(server, '/sessions', {}, cookie)
  expect(answer.status, answer.body).toBe(200)
  return (JSON.parse(answer.body) as { sessions: Array<{ handle: string }> }).sessions.map((s) => s.handle).sort()
}

/** The user's live sessions as stored, their index entries, and what GET /sessions lists from each of `cookies` that is still logged in: all agree. */
async function expectListedAsStored(table: Table, server: ServerProcess, user: string, cookies: readonly string[]): Promise<number> {
  const live = await liveSessionsOf(table, user)
  const index = await userIndexOf(table, user)
  expect([...(index?.entries.keys() ?? [])].sort()).toEqual(live.map((r) => r.key).sort())
  const handles = (await Promise.all(live.map((r) => handleFor(r.lineage ?? r.key)))).sort()
  const liveKeys = new Set(live.map((r) => r.key))
  let stillIn = 0
  for (const cookie of cookies) {
    if (!liveKeys.has(await keyOf(cookie))) {
      expect(await loggedIn(server, cookie)).toBe(false)
      continue
    }
    stillIn++
    expect(await handlesListed(server, cookie)).toEqual(handles)
  }
  expect(stillIn).toBe(live.length)
  return live.length
}

describe('racing logins under SESSION_MAX_PER_USER=3, two server processes on DynamoDB Local', () => {
  const get = twoServersOnOneTable('cap-race', { SESSION_MAX_PER_USER: '3' })

  it('12 parallel logins of one user, 6 per instance, 4 trials: once all answered, at most 3 sessions live, and GET /sessions lists exactly them', async () => {
    const { table, servers } = get()
    for (let trial = 0; trial < 4; trial++) {
      const user = `capped-${trial}-${crypto.randomUUID()}`
      const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => tryLogin(servers[i % 2]!, user)))
      for (const a of answers) expect(a.status, a.body).toBe(200)
      const cookies = answers.map((a) => a.cookie!)
      expect(await expectListedAsStored(table, servers[0], user, cookies)).toBe(3)
    }
  })
})

describe('a user with many index entries, two server processes on DynamoDB Local', () => {
  const get = twoServersOnOneTable('many-entries', { SESSION_MAX_PER_USER: '1000' })

  it('440 expired entries in the index (cap 1000): two racing logins, one per instance, both answer 200, and the index keeps only them', async () => {
    const { table, servers } = get()
    const user = `crowded-${crypto.randomUUID()}`
    const now = nowSeconds()
    const sessions = Object.fromEntries(
      Array.from({ length: 440 }, (_, i) => [
        `expired-${i}-${'k'.repeat(30)}`,
        { M: { c: { N: String(now - 10 * DAY) }, m: { N: String(now - DAY) }, d: { S: 'Old device' }, l: { S: `expired-${i}` } } },
      ]),
    )
    await table.client.send(
      new PutItemCommand({
        TableName: table.tableName,
        Item: { id: { S: await userIndexKey(user) }, sessions: { M: sessions }, v: { N: '1' }, expires: { N: String(now + DAY) } },
      }),
    )
    const answers = await Promise.all(servers.map((server) => tryLogin(server, user)))
    for (const a of answers) expect(a.status, a.body).toBe(200)
    expect(await expectListedAsStored(table, servers[1], user, answers.map((a) => a.cookie!))).toBe(2)
    expect((await userIndexOf(table, user))!.entries.size).toBe(2)
  })

  it('a cap lowered to 10 (restart with SESSION_MAX_PER_USER=10) for a user with 120 sessions: the next logins answer 200 and the cap holds', async () => {
    const { table, servers } = get()
    const user = `lowered-${crypto.randomUUID()}`
    const cookies: string[] = []
    for (let round = 0; round < 30; round++) {
      const answers = await Promise.all(Array.from({ length: 4 }, (_, i) => tryLogin(servers[i % 2]!, user)))
      for (const a of answers) expect(a.status, a.body).toBe(200)
      cookies.push(...answers.map((a) => a.cookie!))
    }
    expect((await liveSessionsOf(table, user)).length).toBe(120)

    // Two instances started with the lower cap (as after a restart); two logins race on them.
    const capped = dynamoDbServerEnv(table.tableName, { SESSION_MAX_PER_USER: '10' })
    const restarted = await Promise.all([startServer(capped), startServer(capped)])
    try {
      const answers = await Promise.all(restarted.map((server) => tryLogin(server, user)))
      for (const a of answers) expect(a.status, a.body).toBe(200)
      const fresh = answers.map((a) => a.cookie!)
      expect(await expectListedAsStored(table, restarted[0], user, [...fresh, ...cookies])).toBe(10)
      for (const cookie of fresh) expect(await loggedIn(restarted[1], cookie)).toBe(true)
      // One more login keeps it at 10.
      const again = await tryLogin(restarted[1], user)
      expect(again.status, again.body).toBe(200)
      expect(await expectListedAsStored(table, restarted[0], user, [again.cookie!, ...fresh, ...cookies])).toBe(10)
    } finally {
      await Promise.all(restarted.map((s) => s.kill()))
    }
  })
})
