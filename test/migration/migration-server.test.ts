import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dynamoDbServerEnv } from '../support/dynamodb-server.js'
import { freshTable } from '../support/dynamodb.js'
import { LEGACY_SECRET } from '../support/secrets.js'
import { startServer, type ServerProcess } from '../support/server-process.js'
import { expressVisitorOf, startExpressApp } from './express-ancestor.js'

const COUNT = /visited (\d+) times/

describe('migration with real server processes on DynamoDB Local, from the real express-session + connect-dynamodb', () => {
  let table: Awaited<ReturnType<typeof freshTable>>
  let express: Server
  let base: string
  let open: ServerProcess
  let closed: ServerProcess

  beforeAll(async () => {
    table = await freshTable('migrate-processes')
    express = await startExpressApp(table.client, table.tableName)
    base = `http://127.0.0.1:${(express.address() as AddressInfo).port}`
    const legacy = { LEGACY_SESSION_SECRET: LEGACY_SECRET }
    ;[open, closed] = await Promise.all([
      startServer(dynamoDbServerEnv(table.tableName, { ...legacy, LEGACY_ACCEPT_UNTIL: new Date(Date.now() + 3_600_000).toISOString() })),
      startServer(dynamoDbServerEnv(table.tableName, { ...legacy, LEGACY_ACCEPT_UNTIL: '2020-01-01T00:00:00Z' })),
    ])
  })
  afterAll(async () => {
    await Promise.all([open?.kill(), closed?.kill()])
    await new Promise((ok) => express?.close(ok))
    await table?.drop()
  })

  const ourSessions = async () => (await table.scan()).filter((item) => item.version !== undefined && item.data?.M?.profile !== undefined)

  it('5 parallel first requests with one connect.sid give ONE session of ours, the visit counted once; the losers get 409 and no cookie', async () => {
    const legacy = await expressVisitorOf(base, ['/private', '/private', '/profile'])
    const before = (await ourSessions()).length
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => fetch(`${open.url}/private`, { headers: { cookie: `connect.sid=${legacy}` } })),
    )
    const bodies = await Promise.all(answers.map((r) => r.text()))
    const won = answers.map((r, i) => ({ status: r.status, body: bodies[i]!, cookies: r.headers.getSetCookie() })).filter((a) => a.status === 200)
    expect(won).toHaveLength(1)
    expect(COUNT.exec(won[0]!.body)?.[1]).toBe('3')
    for (const [i, r] of answers.entries()) {
      if (r.status === 200) continue
      expect(r.status, bodies[i]).toBe(409)
      expect(r.headers.getSetCookie()).toEqual([])
    }
    expect((await ourSessions()).length).toBe(before + 1)
    // The winner's cookie carries on from 3; the legacy cookie alone, after the claim, is no session any more.
    const cookie = won[0]!.cookies.find((c) => c.startsWith('sid='))!.split(';')[0]!
    expect(await (await fetch(`${open.url}/private`, { headers: { cookie } })).text()).toContain('visited 4 times')
  })

  it('after LEGACY_ACCEPT_UNTIL the server ignores legacy cookies and leaves the legacy item alone', async () => {
    const legacy = await expressVisitorOf(base, ['/private', '/private'])
    const legacyItems = async () => JSON.stringify((await table.scan()).filter((item) => item.id?.S?.startsWith('sess:')))
    const before = await legacyItems()
    const response = await fetch(`${closed.url}/private`, { headers: { cookie: `connect.sid=${legacy}` } })
    expect(await response.text()).toBe('The /private page has been visited 1 times.')
    expect(response.headers.getSetCookie().some((c) => c.startsWith('connect.sid='))).toBe(false)
    expect(await legacyItems()).toBe(before)
  })
})
