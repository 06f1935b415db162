import { newSession, viewsStoredUnder } from '../support/dynamodb-server.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { endpoint, freshTable } from '../support/dynamodb.js'
import { everyCountOnce, sorted, visitInParallel } from '../support/parallel-visits.js'
import { SECRET } from '../support/secrets.js'
import { startServer, type ServerProcess } from '../support/server-process.js'
import { startWorker } from './worker-server.js'

const VISITS = 200
const IN_FLIGHT = 50

describe(`no lost updates on workerd: ${VISITS} GET /private on one session, ${IN_FLIGHT} in flight, DynamoDB Local`, () => {
  let table: Awaited<ReturnType<typeof freshTable>>
  let worker: ServerProcess
  let node: ServerProcess

  beforeAll(async () => {
    table = await freshTable('worker-lost-updates')
    const env = {
      SESSION_STORE: 'dynamodb',
      DYNAMODB_ENDPOINT: endpoint(),
      SESSION_TABLE: table.tableName,
      SESSION_SECRET: SECRET,
      SESSION_CREATE_TABLE: 'false',
      // As in test/e2e/lost-updates: DynamoDB Local applies writes to one item one at a time,
      // slowly on a busy machine; this is a test of correctness, not of speed.
      DYNAMODB_TIMEOUT_MS: '30000',
    }
    ;[worker, node] = await Promise.all([startWorker(env), startServer(env)])
  })
  afterAll(async () => {
    await Promise.all([worker?.kill(), node?.kill()])
    await table?.drop()
  })

  it('with one workerd process: every visit counted once, the stored count advanced by exactly 200', async () => {
    const { cookie, key } = await newSession(worker)

    const counts = await visitInParallel(VISITS, IN_FLIGHT, () => fetch(`${worker.url}/private`, { headers: { cookie } }))

    expect(sorted(counts)).toEqual(everyCountOnce(VISITS))
    expect(await viewsStoredUnder(table.scan, key)).toBe(VISITS + 1)
  })

  it('with workerd and the Node server sharing the table, requests alternating between them', async () => {
    const { cookie, key } = await newSession(worker)

    const counts = await visitInParallel(VISITS, IN_FLIGHT, (i) =>
      fetch(`${[worker, node][i % 2]!.url}/private`, { headers: { cookie } }),
    )

    expect(sorted(counts)).toEqual(everyCountOnce(VISITS))
    expect(await viewsStoredUnder(table.scan, key)).toBe(VISITS + 1)
    const last = await fetch(`${node.url}/private`, { headers: { cookie } })
    expect(await last.text()).toBe(`The /private page has been visited ${VISITS + 2} times.`)
  })
})
