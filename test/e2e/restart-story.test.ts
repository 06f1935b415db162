import { expectRestartStoryStored } from '../support/dynamodb-server.js'
import { afterAll, describe, expect, it } from 'vitest'
import { endpoint, uniqueTableName } from '../support/dynamodb.js'
import { cookieClient } from '../support/cookie-jar.js'
import { killAndRestart, startServer, type ServerProcess } from '../support/server-process.js'

describe('the restart story, with real processes and DynamoDB Local', () => {
  const table = uniqueTableName('restart')
  const env = { SESSION_STORE: 'dynamodb', DYNAMODB_ENDPOINT: endpoint(), SESSION_TABLE: table }
  let server: ServerProcess | undefined
  afterAll(async () => {
    await server?.kill()
  })

  it('keeps counting across a SIGKILL and restart; a second visitor starts at 1; the table holds exactly 2 items', async () => {
    server = await startServer(env)
    const alice = cookieClient(fetch)
    const visit = async (client = alice) => (await client.request(`${server!.url}/private`)).text()
    expect(await visit()).toBe('The /private page has been visited 1 times.')
    expect(await visit()).toBe('The /private page has been visited 2 times.')

    server = await killAndRestart(server, (port) => startServer(env, port))

    expect(await visit()).toBe('The /private page has been visited 3 times.')
    expect(await visit(cookieClient(fetch))).toBe('The /private page has been visited 1 times.')

    await expectRestartStoryStored(table)
  })
})
