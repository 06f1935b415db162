import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb'
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { userIndexKey } from '../../src/adapters/dynamodb-item.js'
import { DynamoDbSessionRepository } from '../../src/adapters/dynamodb-session-repository.js'
import { RequestSession } from '../../src/domain/request-session.js'
import type { SessionPolicy } from '../../src/domain/session.js'
import { storageKeyFor } from '../../src/domain/session-id.js'
import type { SessionRepository } from '../../src/domain/session-repository.js'
import { freshTable } from '../support/dynamodb.js'

// The user index item as DynamoDB holds it: its expiry, and its limits (expression
// size, 100 items per transaction) at every cap the configuration accepts.

const NOW = Math.floor(Date.now() / 1000)
const DAY = 86_400
const POLICY: SessionPolicy = { ttlSeconds: DAY, maxAgeSeconds: 7 * DAY, refreshThreshold: 0.5, maxBytes: 10_000, renewSeconds: 0, renewGraceSeconds: 30 }

let table: Awaited<ReturnType<typeof freshTable>>
let documents: DynamoDBDocumentClient
beforeAll(async () => {
  table = await freshTable('user-index', { ttl: false })
  documents = DynamoDBDocumentClient.from(table.client)
})
afterAll(async () => {
  await table.drop()
})

const repositoryWithCap = (maxSessionsPerUser: number) =>
  new DynamoDbSessionRepository({ client: table.client, tableName: table.tableName, timeoutMs: 10_000, maxSessionsPerUser })

async function request(repository: SessionRepository, id: string | null, at: number, work: (u: RequestSession) => Promise<unknown>, policy = POLICY) {
  const unit = new RequestSession(repository, policy, () => at, id, { device: () => 'Safari on iOS' })
  await work(unit)
  const { identity } = await unit.commit()
  return identity.kind === 'issued' ? identity.id : id
}

async function indexItem(userId: string) {
  return (await documents.send(new GetCommand({ TableName: table.tableName, Key: { id: await userIndexKey(userId) }, ConsistentRead: true }))).Item!
}

describe('DynamoDB user index', () => {
  it("never lowers its expiry below a listed session's deadline when an older session renews", async () => {
    const repository = repositoryWithCap(50)
    const user = `user-${crypto.randomUUID()}`
    const laptop = await request(repository, null, NOW, (u) => u.login(user))
    const phone = await request(repository, null, NOW + 3 * DAY, (u) => u.login(user))
    const before = Number((await indexItem(user)).expires)
    expect(before).toBeGreaterThanOrEqual(NOW + 3 * DAY + 7 * DAY)
    // Day 4: the laptop's id renews (its absolute deadline is day 7).
    const renewed = await request(repository, laptop, NOW + 4 * DAY, (u) => u.increment('n'), { ...POLICY, renewSeconds: 3600 })
    expect(renewed).not.toBe(laptop)
    expect(Number((await indexItem(user)).expires)).toBeGreaterThanOrEqual(before)
    // Day 8: the laptop's deadline has passed; the phone is still listed and revocable.
    const day8 = NOW + 8 * DAY
    expect((await repository.listUserSessions(user, day8)).map((s) => s.key)).toEqual([await storageKeyFor(phone!)])
    expect(await repository.revokeUserSessions(user, 'all', day8)).toBe(1)
    expect(await repository.load(await storageKeyFor(phone!), day8)).toBeNull()
  })

  it('a user whose index holds 440 expired entries (cap 1000) still logs in, and the entries are dropped', async () => {
    const repository = repositoryWithCap(1000)
    const user = `user-${crypto.randomUUID()}`
    const sessions = Object.fromEntries(
      Array.from({ length: 440 }, (_, i) => [`expired-${i}-${'k'.repeat(30)}`, { c: NOW - 10 * DAY, m: NOW - DAY, d: 'Old device', l: `expired-${i}` }]),
    )
    await documents.send(new PutCommand({ TableName: table.tableName, Item: { id: await userIndexKey(user), sessions, v: 1, expires: NOW - DAY } }))
    const id = await request(repository, null, NOW, (u) => u.login(user))
    expect((await repository.listUserSessions(user, NOW)).map((s) => s.key)).toEqual([await storageKeyFor(id!)])
    expect(Object.keys((await indexItem(user)).sessions)).toEqual([await storageKeyFor(id!)])
  })

  it('a cap lowered to 10 for a user with 120 sessions: the next login ends the oldest 111 and keeps 10', async () => {
    const roomy = repositoryWithCap(1000)
    const user = `user-${crypto.randomUUID()}`
    const ids: string[] = []
    for (let i = 0; i < 120; i++) ids.push((await request(roomy, null, NOW + i, (u) => u.login(user)))!)
    const capped = repositoryWithCap(10)
    const fresh = await request(capped, null, NOW + 200, (u) => u.login(user))
    const listed = (await capped.listUserSessions(user, NOW + 201)).map((s) => s.key).sort()
    const expected = await Promise.all([...ids.slice(-9), fresh!].map((id) => storageKeyFor(id)))
    expect(listed).toEqual(expected.sort())
    expect(await capped.load(await storageKeyFor(ids[0]!), NOW + 201)).toBeNull()
    expect(Object.keys((await indexItem(user)).sessions)).toHaveLength(10)
  })
})
