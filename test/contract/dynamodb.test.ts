import { DescribeTableCommand, DescribeTimeToLiveCommand } from '@aws-sdk/client-dynamodb'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DynamoDbSessionRepository } from '../../src/adapters/dynamodb-session-repository.js'
import { RequestSession } from '../../src/domain/request-session.js'
import { storageKeyFor } from '../../src/domain/session-id.js'
import { freshTable } from '../support/dynamodb.js'
import { sessionRepositoryContract } from '../../src/testing/index.js'

// One table for the contract suite: every test uses random keys, so they cannot collide.
// No TTL on it, so expired items stay put and the adapter's own expiry checks are what is tested.
let shared: Awaited<ReturnType<typeof freshTable>>
beforeAll(async () => {
  shared = await freshTable('contract', { ttl: false })
})
afterAll(async () => {
  await shared.drop()
})

sessionRepositoryContract('DynamoDbSessionRepository on DynamoDB Local', async (options = {}) => ({
  repository: new DynamoDbSessionRepository({ client: shared.client, tableName: shared.tableName, timeoutMs: 5000, ...options }),
}))

describe('DynamoDbSessionRepository: what is really stored', () => {
  it('provisions an on-demand table keyed by id with TTL on expires', async () => {
    const provisioned = await freshTable('provisioned')
    try {
      const { client, tableName } = provisioned
      const table = await client.send(new DescribeTableCommand({ TableName: tableName }))
      expect(table.Table?.KeySchema).toEqual([{ AttributeName: 'id', KeyType: 'HASH' }])
      expect(table.Table?.TableStatus).toBe('ACTIVE')
      expect(table.Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST')
      const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }))
      expect(ttl.TimeToLiveDescription).toMatchObject({ AttributeName: 'expires', TimeToLiveStatus: 'ENABLED' })
    } finally {
      await provisioned.drop()
    }
  })

  it('keeps expired items physically in a table without TTL, so the expiry tests above test the adapter', async () => {
    const now = Math.floor(Date.now() / 1000)
    const key = await storageKeyFor('expired-probe')
    await shared.repository.create({ key, data: {}, createdAt: now - 100, expires: now - 10, maxExpires: now + 100, version: 1 })
    expect(await shared.repository.load(key, now)).toBeNull()
    expect((await shared.scan()).some((item) => item.id?.S === key)).toBe(true)
  })

  it('writes expires as epoch seconds and keys the item by a hash, never the session id', async () => {
    const table = await freshTable('raw')
    try {
      const now = Math.floor(Date.now() / 1000)
      const unit = new RequestSession(
        table.repository,
        { ttlSeconds: 600, maxAgeSeconds: 3600, refreshThreshold: 0.5, maxBytes: 10_000, renewSeconds: 0, renewGraceSeconds: 30 },
        () => now,
        null,
      )
      await unit.increment('views')
      const { identity: cookie } = await unit.commit()
      expect(cookie.kind).toBe('issued')
      const id = (cookie as { id: string }).id
      const items = await table.scan()
      expect(items).toHaveLength(1)
      const item = items[0]!
      expect(item.expires).toEqual({ N: String(now + 600) })
      expect(item.maxExpires).toEqual({ N: String(now + 3600) })
      expect(item.id?.S).toBe(await storageKeyFor(id))
      expect(item.id?.S).not.toBe(id)
      expect(JSON.stringify(item)).not.toContain(id)
    } finally {
      await table.drop()
    }
  })
})
