import { dynamoDbServerEnv, newSession, viewsStoredUnder } from '../support/dynamodb-server.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testApp } from '../support/app.js'
import { freshTable } from '../support/dynamodb.js'
import { everyCountOnce, sorted, visitInParallel } from '../support/parallel-visits.js'
import { startServer, type ServerProcess } from '../support/server-process.js'

const VISITS = 200
const IN_FLIGHT = 50
const everyCount = everyCountOnce(VISITS)

describe(`no lost updates: ${VISITS} GET /private on one session, ${IN_FLIGHT} in flight`, () => {
  it('in process on the memory adapter (app.request)', async () => {
    const { client } = testApp()
    const browser = client()
    expect(await (await browser.request('/private')).text()).toBe('The /private page has been visited 1 times.')
    const cookie = browser.jar.header()

    const counts = await visitInParallel(VISITS, IN_FLIGHT, () => browser.request('/private', { headers: { cookie } }))

    expect(sorted(counts)).toEqual(everyCount)
    expect(await (await browser.request('/private')).text()).toBe(`The /private page has been visited ${VISITS + 2} times.`)
  })

  describe('real server processes on DynamoDB Local, one table', () => {
    let table: Awaited<ReturnType<typeof freshTable>>
    const servers: ServerProcess[] = []

    beforeAll(async () => {
      table = await freshTable('lost-updates')
      const env = dynamoDbServerEnv(table.tableName)
      servers.push(...(await Promise.all([startServer(env), startServer(env)])))
    })
    afterAll(async () => {
      await Promise.all(servers.map((s) => s.kill()))
      await table?.drop()
    })

    it('with one server process', async () => {
      const [server] = servers
      const { cookie, key } = await newSession(server!)

      const counts = await visitInParallel(VISITS, IN_FLIGHT, () => fetch(`${server!.url}/private`, { headers: { cookie } }))

      expect(sorted(counts)).toEqual(everyCount)
      expect(await viewsStoredUnder(table.scan, key)).toBe(VISITS + 1)
    })

    it('with two server processes sharing the table, requests alternating between them', async () => {
      const { cookie, key } = await newSession(servers[0]!)

      const counts = await visitInParallel(VISITS, IN_FLIGHT, (i) =>
        fetch(`${servers[i % 2]!.url}/private`, { headers: { cookie } }),
      )

      expect(sorted(counts)).toEqual(everyCount)
      expect(await viewsStoredUnder(table.scan, key)).toBe(VISITS + 1)
      const last = await fetch(`${servers[1]!.url}/private`, { headers: { cookie } })
      expect(await last.text()).toBe(`The /private page has been visited ${VISITS + 2} times.`)
    })
  })
})
