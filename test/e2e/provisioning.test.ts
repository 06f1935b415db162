import { spawnSync } from 'node:child_process'
import { DescribeTableCommand, DescribeTimeToLiveCommand } from '@aws-sdk/client-dynamodb'
import { afterAll, describe, expect, it } from 'vitest'
import { endpoint, testClient, uniqueTableName } from '../support/dynamodb.js'
import { cookieClient } from '../support/cookie-jar.js'
import { startServer, type ServerProcess } from '../support/server-process.js'

describe('table provisioning at start-up', () => {
  const servers: ServerProcess[] = []
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.kill()))
  })

  it('two instances starting at once on a missing table both come up and share sessions', async () => {
    const table = uniqueTableName('race')
    const env = { SESSION_STORE: 'dynamodb', DYNAMODB_ENDPOINT: endpoint(), SESSION_TABLE: table }
    const [a, b] = await Promise.all([startServer(env), startServer(env)])
    servers.push(a, b)
    const client = testClient()
    const described = await client.send(new DescribeTableCommand({ TableName: table }))
    const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: table }))
    client.destroy()
    expect(described.Table?.TableStatus).toBe('ACTIVE')
    expect(ttl.TimeToLiveDescription?.AttributeName).toBe('expires')

    const visitor = cookieClient(fetch)
    expect(await (await visitor.request(`${a.url}/private`)).text()).toContain('visited 1 times')
    expect(await (await visitor.request(`${b.url}/private`)).text()).toContain('visited 2 times')
  })

  it('with SESSION_CREATE_TABLE=false a missing table stops the process with a clear message', () => {
    const table = uniqueTableName('absent')
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
      env: {
        PATH: process.env.PATH,
        SESSION_STORE: 'dynamodb',
        DYNAMODB_ENDPOINT: endpoint(),
        SESSION_TABLE: table,
        SESSION_CREATE_TABLE: 'false',
        PORT: '0',
      },
      encoding: 'utf8',
      timeout: 30_000,
    })
    expect(result.status).toBe(1)
    const output = result.stdout + result.stderr
    expect(output).toContain(table)
    expect(output).toContain('does not exist and SESSION_CREATE_TABLE=false')
  })
})
