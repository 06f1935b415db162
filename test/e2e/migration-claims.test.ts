import { GetItemCommand, PutItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expressVisitorOf, startExpressApp } from '../migration/express-ancestor.js'
import { freshTable } from '../support/dynamodb.js'
import { dynamoDbServerEnv } from '../support/dynamodb-server.js'
import { visit, type Table } from '../support/lifecycle-e2e.js'
import { LEGACY_SECRET } from '../support/secrets.js'
import { startServer, type ServerProcess } from '../support/server-process.js'

// Issue 20, "Migration": after a successful migration the old session's data stays in the
// table (claimedSess) until TTL; a migration that fails after its claim gives `sess` back
// but keeps the claim's short expiry. Two server processes with migration on, one of them
// with the smallest SESSION_MAX_BYTES, next to the real express-session + connect-dynamodb.

describe('migration claims, two server processes on DynamoDB Local next to express-session + connect-dynamodb', () => {
  let table: Table
  let express: Server
  let base: string
  /** SESSION_MAX_BYTES=256: a large legacy session cannot move here (413). */
  let small: ServerProcess
  let roomy: ServerProcess

  beforeAll(async () => {
    table = await freshTable('migration-claims')
    express = await startExpressApp(table.client, table.tableName)
    base = `http://127.0.0.1:${(express.address() as AddressInfo).port}`
    const legacy = { LEGACY_SESSION_SECRET: LEGACY_SECRET }
    ;[small, roomy] = await Promise.all([
      startServer(dynamoDbServerEnv(table.tableName, { ...legacy, SESSION_MAX_BYTES: '256' })),
      startServer(dynamoDbServerEnv(table.tableName, legacy)),
    ])
  })
  afterAll(async () => {
    await Promise.all([small?.kill(), roomy?.kill()])
    await new Promise((ok) => express?.close(ok))
    await table?.drop()
  })

  const legacyKey = (cookie: string) => `sess:${decodeURIComponent(cookie).slice(2).split('.')[0]}`

  async function legacyItem(cookie: string): Promise<Record<string, AttributeValue> | undefined> {
    const out = await table.client.send(new GetItemCommand({ TableName: table.tableName, Key: { id: { S: legacyKey(cookie) } }, ConsistentRead: true }))
    return out.Item
  }

  it('6 parallel first requests, 3 per instance, 3 trials: one migrates, and the legacy item keeps nothing of the old session (no sess, no claimedSess)', async () => {
    for (let trial = 0; trial < 3; trial++) {
      const cookie = await expressVisitorOf(base, ['/private', '/private', '/profile'])
      expect((await legacyItem(cookie))?.sess?.S).toContain('Zoë')
      const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => visit(i % 2 ? small : roomy, `connect.sid=${cookie}`)))
      const won = answers.filter((a) => a.status === 200)
      expect(won.map((a) => a.count)).toEqual([3])
      for (const a of answers) if (a.status !== 200) expect(a.status, a.body).toBe(409)

      const left = (await legacyItem(cookie)) ?? {}
      expect(left.sess).toBeUndefined()
      expect(left.claimedSess).toBeUndefined()
      expect(left.claimedExpires).toBeUndefined()
      expect(JSON.stringify(left)).not.toContain('Zoë')
      // Ours holds it all, and counts on from the winner's cookie on either instance.
      const ours = (await table.scan()).filter((item) => item.data?.M?.profile?.M?.name?.S === 'Zoë' && item.data?.M?.views?.N === '3')
      expect(ours).toHaveLength(1)
      expect((await visit(small, won[0]!.cookie!)).count).toBe(4)
    }
  })

  it('a migration refused after its claim (413, the session too large) leaves the old session exactly as it was, data and expiry; another instance then migrates it', async () => {
    const cookie = await expressVisitorOf(base, ['/private', '/private'])
    const before = (await legacyItem(cookie))!
    const large = JSON.stringify({ ...JSON.parse(before.sess!.S!), notes: 'n'.repeat(1000) })
    await table.client.send(new PutItemCommand({ TableName: table.tableName, Item: { ...before, sess: { S: large } } }))
    const stored = (await legacyItem(cookie))!

    const refused = await visit(small, `connect.sid=${cookie}`)
    expect(refused.status, refused.body).toBe(413)
    expect(refused.cookie).toBeUndefined()
    expect(await legacyItem(cookie)).toEqual(stored)

    // Several at once, on the small instance: each refused (413), or turned away by another's claim (409).
    const racing = await Promise.all(Array.from({ length: 4 }, () => visit(small, `connect.sid=${cookie}`)))
    for (const a of racing) expect([409, 413], a.body).toContain(a.status)
    expect(await legacyItem(cookie)).toEqual(stored)

    // The data is all still there: the roomy instance migrates it, the count going on from 2.
    const migrated = await visit(roomy, `connect.sid=${cookie}`)
    expect(migrated.count).toBe(3)
    const left = (await legacyItem(cookie)) ?? {}
    expect(left.sess).toBeUndefined()
    expect(left.claimedSess).toBeUndefined()
    const ours = (await table.scan()).filter((item) => item.data?.M?.notes?.S?.length === 1000)
    expect(ours.map((item) => item.data?.M?.views?.N)).toEqual(['3'])
  })
})
