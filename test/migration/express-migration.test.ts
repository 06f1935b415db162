import { PutItemCommand } from '@aws-sdk/client-dynamodb'
import type { AddressInfo } from 'node:net'
import type { Server } from 'node:http'
import { expressVisitorOf, startExpressApp } from './express-ancestor.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConnectDynamoDbSessionSource } from '../../src/adapters/connect-dynamodb-source.js'
import { createApp } from '../../src/server/app.js'
import { CookieJar, cookieClient } from '../support/cookie-jar.js'
import { freshTable } from '../support/dynamodb.js'
import { LEGACY_SECRET, SECRET } from '../support/secrets.js'

describe('migration from express-session + connect-dynamodb', () => {
  let table: Awaited<ReturnType<typeof freshTable>>
  let server: Server
  let base: string
  let app: ReturnType<typeof createApp>

  beforeAll(async () => {
    table = await freshTable('migrate')
    server = await startExpressApp(table.client, table.tableName)
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    app = createApp({
      session: {
        repository: table.repository,
        secret: SECRET,
        legacy: {
          source: new ConnectDynamoDbSessionSource({ client: table.client, tableName: table.tableName }),
          secret: ['a-newer-express-secret', LEGACY_SECRET],
        },
      },
    })
  })
  afterAll(async () => {
    await new Promise((ok) => server.close(ok))
    await table.drop()
  })

  const expressVisitor = (paths: string[]) => expressVisitorOf(base, paths)

  /** The legacy items that still hold a session (a claimed one keeps only its set-aside copy, for the grace window). */
  const legacyItems = async () => (await table.scan()).filter((item) => item.id?.S?.startsWith('sess:') && item.sess !== undefined)

  it('keeps the count of a visitor who arrives with an Express cookie, then moves the session to our format', async () => {
    const legacyCookie = await expressVisitor(['/private', '/private', '/profile'])
    expect(await legacyItems()).toHaveLength(1)

    const response = await app.request('/private', { headers: { cookie: `connect.sid=${legacyCookie}` } })
    expect(await response.text()).toBe('The /private page has been visited 3 times.')
    const jar = new CookieJar()
    jar.take(response)
    expect(jar.get('sid')).toBeDefined()
    const cleared = response.headers.getSetCookie().find((line) => line.startsWith('connect.sid='))
    expect(cleared).toMatch(/Max-Age=0/)

    // The old item holds no session any more; ours holds the count and the rest of the data.
    expect(await legacyItems()).toHaveLength(0)
    const next = await app.request('/private', { headers: jar.headers() })
    expect(await next.text()).toBe('The /private page has been visited 4 times.')
    const items = (await table.scan()).filter((item) => !item.id?.S?.startsWith('sess:'))
    expect(items.filter((item) => item.data?.M?.profile?.M?.name?.S === 'Zoë' && item.data?.M?.views?.N === '4')).toHaveLength(1)
    const ours = items.find((item) => item.data?.M?.views?.N === '4')
    expect(ours?.data?.M?.profile?.M?.name).toEqual({ S: 'Zoë' })
    expect(ours?.data?.M?.cookie).toBeUndefined()
  })

  it('shows legacy data on a read without writing anything', async () => {
    const legacyCookie = await expressVisitor(['/private'])
    const before = (await table.scan()).length
    const response = await app.request('/', { headers: { cookie: `connect.sid=${legacyCookie}` } })
    expect(await response.text()).toContain('Visits to /private in this session: 1')
    expect(response.headers.getSetCookie()).toEqual([])
    expect((await table.scan()).length).toBe(before)
  })

  it('ignores an Express cookie with a bad signature: new session, old item untouched', async () => {
    const legacyCookie = await expressVisitor(['/private', '/private'])
    const tampered = legacyCookie.slice(0, -3) + (legacyCookie.endsWith('AAA') ? 'BBB' : 'AAA')
    const response = await app.request('/private', { headers: { cookie: `connect.sid=${tampered}` } })
    expect(await response.text()).toBe('The /private page has been visited 1 times.')
    const legacy = await legacyItems()
    expect(legacy.some((item) => JSON.parse(item.sess!.S!).views === 2)).toBe(true)
  })

  it('logout with an Express cookie deletes the old session too', async () => {
    const legacyCookie = await expressVisitor(['/private'])
    const count = (await legacyItems()).length
    const response = await app.request('/logout', {
      method: 'POST',
      headers: { cookie: `connect.sid=${legacyCookie}`, 'content-type': 'application/json' },
    })
    expect(response.status).toBe(204)
    expect((await legacyItems()).length).toBe(count - 1)
    const again = await app.request('/private', { headers: { cookie: `connect.sid=${legacyCookie}` } })
    expect(await again.text()).toBe('The /private page has been visited 1 times.')
  })

  it('5 parallel first requests with one Express cookie end in one session: one claims it, the others get 409 without a cookie', async () => {
    const legacyCookie = await expressVisitor(['/private', '/private', '/profile'])
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => app.request('/private', { headers: { cookie: `connect.sid=${legacyCookie}` } })),
    )
    const won = answers.filter((r) => r.status === 200)
    expect(won).toHaveLength(1)
    for (const lost of answers.filter((r) => r.status !== 200)) {
      expect(lost.status).toBe(409)
      expect(lost.headers.getSetCookie()).toEqual([])
    }
    expect(await won[0]!.text()).toBe('The /private page has been visited 3 times.')
    const ours = (await table.scan()).filter((item) => item.data?.M?.profile?.M?.name?.S === 'Zoë' && item.data?.M?.views?.N === '3')
    expect(ours).toHaveLength(1)
    // A retry by a loser, with the winner's cookie, joins that session.
    const jar = new CookieJar()
    jar.take(won[0]!)
    const retried = await app.request('/private', { headers: { cookie: `${jar.header()}; connect.sid=${legacyCookie}` } })
    expect(await retried.text()).toBe('The /private page has been visited 4 times.')
  })

  it('drops legacy values no store can keep, migrates the rest and says how many in a warning', async () => {
    const warnings: Array<Record<string, unknown>> = []
    const warned = createApp({
      session: {
        repository: table.repository,
        secret: SECRET,
        onWarning: (_message, details) => warnings.push(details),
        legacy: { source: new ConnectDynamoDbSessionSource({ client: table.client, tableName: table.tableName }), secret: LEGACY_SECRET },
      },
    })
    const legacyCookie = await expressVisitor(['/private'])
    const sid = decodeURIComponent(legacyCookie).slice(2).split('.')[0]!
    await table.client.send(
      new PutItemCommand({
        TableName: table.tableName,
        Item: {
          id: { S: `sess:${sid}` },
          expires: { N: String(Math.floor(Date.now() / 1000) + 3600) },
          sess: { S: JSON.stringify({ cookie: {}, views: 2, huge: 1e300, deep: JSON.parse(`${'['.repeat(40)}${']'.repeat(40)}`), fine: 'kept' }) },
        },
      }),
    )
    const response = await warned.request('/private', { headers: { cookie: `connect.sid=${legacyCookie}` } })
    expect(response.status).toBe(200)
    expect(await response.text()).toBe('The /private page has been visited 3 times.')
    expect(warnings).toEqual([{ dropped: 2 }])
    expect(JSON.stringify(warnings)).not.toContain('1e+300')
  })

  it('ignores legacy cookies after LEGACY_ACCEPT_UNTIL, leaving the legacy item untouched', async () => {
    const closed = createApp({
      session: {
        repository: table.repository,
        secret: SECRET,
        legacy: {
          source: new ConnectDynamoDbSessionSource({ client: table.client, tableName: table.tableName }),
          secret: LEGACY_SECRET,
          acceptUntil: Date.now() - 1000,
        },
      },
    })
    const legacyCookie = await expressVisitor(['/private', '/private'])
    const before = await legacyItems()
    const response = await closed.request('/private', { headers: { cookie: `connect.sid=${legacyCookie}` } })
    expect(await response.text()).toBe('The /private page has been visited 1 times.')
    expect(await legacyItems()).toEqual(before)
  })
})
