import type { AddressInfo } from 'node:net'
import type { Server } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildWorkerApp } from '../../src/server/worker-app.js'
import { loadWorkerConfig } from '../../src/server/worker-config.js'
import { expressVisitorOf, startExpressApp } from '../migration/express-ancestor.js'
import { endpoint, freshTable } from '../support/dynamodb.js'
import { LEGACY_SECRET, SECRET } from '../support/secrets.js'

// The Worker builds its store with the server's buildStore: a migration setting the
// Worker once dropped (LEGACY_ACCEPT_UNTIL) now holds there too. The Worker app runs
// in-process here with its fetch-based DynamoDB client, against DynamoDB Local.

const silent = { info: () => {}, warn: () => {}, error: () => {} }

describe('the Worker reads the same store settings as the server', () => {
  let table: Awaited<ReturnType<typeof freshTable>>
  let express: Server
  beforeAll(async () => {
    table = await freshTable('worker-legacy')
    express = await startExpressApp(table.client, table.tableName)
  })
  afterAll(async () => {
    await new Promise((ok) => express.close(ok))
    await table.drop()
  })

  const workerWith = (acceptUntil: string) =>
    buildWorkerApp(
      loadWorkerConfig({
        SESSION_STORE: 'dynamodb',
        DYNAMODB_ENDPOINT: endpoint(),
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
        SESSION_TABLE: table.tableName,
        SESSION_SECRET: SECRET,
        LEGACY_SESSION_SECRET: LEGACY_SECRET,
        LEGACY_SESSION_TABLE: table.tableName,
        LEGACY_ACCEPT_UNTIL: acceptUntil,
      }),
      silent as never,
    )

  it('LEGACY_ACCEPT_UNTIL in the past: an Express cookie is ignored and its session left alone', async () => {
    const legacyCookie = await expressVisitorOf(`http://127.0.0.1:${(express.address() as AddressInfo).port}`, ['/private', '/private'])
    const response = await workerWith('2020-01-01T00:00:00Z').request('/private', { headers: { cookie: `connect.sid=${legacyCookie}` } })
    expect(await response.text()).toBe('The /private page has been visited 1 times.')
    expect((await table.scan()).filter((item) => item.id?.S?.startsWith('sess:') && item.sess !== undefined)).toHaveLength(1)
  })

  it('LEGACY_ACCEPT_UNTIL in the future: the same cookie is migrated and keeps its count', async () => {
    const legacyCookie = await expressVisitorOf(`http://127.0.0.1:${(express.address() as AddressInfo).port}`, ['/private', '/private'])
    const response = await workerWith('2999-01-01T00:00:00Z').request('/private', { headers: { cookie: `connect.sid=${legacyCookie}` } })
    expect(await response.text()).toBe('The /private page has been visited 3 times.')
  })
})
