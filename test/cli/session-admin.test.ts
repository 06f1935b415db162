import { afterEach, describe, expect, it } from 'vitest'
import { DynamoDbSessionAdmin } from '../../src/adapters/dynamodb-session-admin.js'
import { toEpochSeconds } from '../../src/domain/session.js'
import { putConnectDynamoDbSession, putSession, tableWithoutTtl } from './session-items.js'

describe('DynamoDbSessionAdmin on DynamoDB Local', () => {
  const now = toEpochSeconds(Date.now())
  const tables: Awaited<ReturnType<typeof tableWithoutTtl>>[] = []
  const newTable = async () => {
    const table = await tableWithoutTtl('admin')
    tables.push(table)
    return table
  }
  afterEach(async () => {
    await Promise.all(tables.splice(0).map((t) => t.drop()))
  })

  it('deleteIfExpired keeps a session whose deadlines lie ahead (a refresh that beat the purge) and deletes an expired one', async () => {
    const table = await newTable()
    const admin = new DynamoDbSessionAdmin({ client: table.client, tableName: table.tableName })
    await putSession(table.client, table.tableName, { key: 'refreshed', expires: now + 600, maxExpires: now + 3600 })
    await putSession(table.client, table.tableName, { key: 'stale', expires: now - 1, maxExpires: now + 3600 })

    expect(await admin.deleteIfExpired('refreshed', now)).toBe(false)
    expect(await admin.deleteIfExpired('stale', now)).toBe(true)
    expect(await admin.deleteIfExpired('never-there', now)).toBe(false)

    expect(await table.keys()).toEqual(['refreshed'])
  })

  it('counts across many small Scan pages, reporting progress after each page', async () => {
    const table = await newTable()
    const admin = new DynamoDbSessionAdmin({ client: table.client, tableName: table.tableName, pageSize: 2 })
    for (let i = 0; i < 4; i++) {
      await putSession(table.client, table.tableName, { key: `page-${i}`, expires: now + 600, maxExpires: now + 3600 })
    }
    // An item expired by its absolute deadline alone, and one connect-dynamodb wrote (no maxExpires).
    await putSession(table.client, table.tableName, { key: 'too-old', expires: now + 600, maxExpires: now })
    await putConnectDynamoDbSession(table.client, table.tableName, 'sess:legacy', now - 10)

    const seen: number[] = []
    const counts = await admin.count(now, ({ scanned }) => seen.push(scanned))

    expect(counts).toEqual({ total: 6, live: 4, expired: 2 })
    expect(seen.length).toBeGreaterThanOrEqual(3)
    expect(seen.at(-1)).toBe(6)
    expect([...seen].sort((a, b) => a - b)).toEqual(seen)
  })
})
