import { afterAll, describe, expect, it } from 'vitest'
import { endpoint, testClient, uniqueTableName } from '../support/dynamodb.js'
import { killAndRestart, startServer, type ServerProcess } from '../support/server-process.js'
import { storedViews } from './support/stored-session.js'
import { startLoad, visitor, waitFor } from './support/visitors.js'

describe('a server killed with SIGKILL under load, then started again', () => {
  const table = uniqueTableName('crash')
  // A generous store deadline: a 503 from a slow shared machine would blur what the kill did.
  const env = { SESSION_STORE: 'dynamodb', DYNAMODB_ENDPOINT: endpoint(), SESSION_TABLE: table, DYNAMODB_TIMEOUT_MS: '10000' }
  const client = testClient()
  let server: ServerProcess | undefined
  afterAll(async () => {
    await server?.kill()
    client.destroy()
  })

  it('loses no acknowledged visit: every stored count equals the 200s its client got, or one more', async () => {
    server = await startServer(env)
    const visitors = Array.from({ length: 20 }, visitor)
    // Every visitor owns its session before the kill, so a cut-off creation cannot orphan one.
    const first = await Promise.all(visitors.map((v) => v.visit(server!.url)))
    expect(first.map((a) => a.status)).toEqual(visitors.map(() => 200))
    const totalOk = () => visitors.reduce((sum, v) => sum + v.ok(), 0)

    const load = startLoad(visitors, { baseUrl: server.url, maxVisits: 400 })
    await waitFor(() => totalOk() >= 100, 'visits before the kill')
    server = await killAndRestart(server, (port) => startServer(env, port))
    const okAfterRestart = totalOk()
    await waitFor(() => totalOk() >= okAfterRestart + 100, 'visits after the restart')
    await load.stop()

    // The kill really landed under load: some requests went unanswered.
    expect(visitors.some((v) => v.answers.some((a) => a.status === 0))).toBe(true)
    for (const v of visitors) {
      const stored = await storedViews(client, table, v.jar)
      expect(stored).not.toBeNull()
      const extra = stored! - v.ok()
      expect(extra, 'a visit answered 200 is missing from the table').toBeGreaterThanOrEqual(0)
      expect(extra, 'more stored than answered, beyond one visit cut off by the kill').toBeLessThanOrEqual(Math.min(1, v.unanswered()))
      // Every answer other than 200 is a dropped or refused connection, never an error page.
      expect(v.answers.filter((a) => a.status !== 200 && a.status !== 0)).toEqual([])
      // The session carried on after the restart: the last visit was counted and reports the stored total.
      expect(v.answers.at(-1)).toMatchObject({ status: 200, count: stored })
    }
  }, 120_000)
})
