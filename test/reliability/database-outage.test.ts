import { DescribeTableCommand } from '@aws-sdk/client-dynamodb'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startDynamoDbLocal, type DynamoDbLocal } from '../../scripts/dynamodb-local.js'
import { createDynamoDbClient } from '../../src/server/dynamodb-client.js'
import { uniqueTableName } from '../support/dynamodb.js'
import { startServer, type ServerProcess } from '../support/server-process.js'
import { residentBytes } from './support/process-memory.js'
import { storedViews } from './support/stored-session.js'
import { startLoad, visitor, waitFor, type Answer, type Visitor } from './support/visitors.js'

const STORE_TIMEOUT_MS = 1500
/** Generous, for a loaded machine: it only proves that nobody waits on a dead store. */
const FAILS_FAST_MS = 5000
const MB = 1024 * 1024

describe('the server while its DynamoDB is frozen, or stopped and started again', () => {
  let dataDir: string
  let local: DynamoDbLocal
  let server: ServerProcess
  const table = uniqueTableName('outage')

  beforeAll(async () => {
    // A DynamoDB Local of our own, on disk, so it can be stopped and come back with its data on the same port.
    dataDir = await mkdtemp(join(tmpdir(), 'outage-'))
    local = await startDynamoDbLocal({ dbPath: dataDir })
    server = await startServer({
      SESSION_STORE: 'dynamodb',
      DYNAMODB_ENDPOINT: local.endpoint,
      SESSION_TABLE: table,
      DYNAMODB_TIMEOUT_MS: String(STORE_TIMEOUT_MS),
    })
  })
  afterAll(async () => {
    local?.process.kill('SIGCONT')
    await server?.kill()
    await local?.stop()
    if (dataDir) await rm(dataDir, { recursive: true, force: true })
  })

  const get = (path: string) => fetch(`${server.url}${path}`, { signal: AbortSignal.timeout(30_000) })
  const between = (v: Visitor, from: number, to = Infinity) => v.answers.slice(from, to)
  const count503 = (visitors: Visitor[], from: number[]) =>
    visitors.reduce((n, v, i) => n + between(v, from[i]!).filter((a) => a.status === 503).length, 0)
  const positions = (visitors: Visitor[]) => visitors.map((v) => v.answers.length)

  /** A 200, or a 503 telling the client when to retry: the server never drops a connection or answers 500. */
  const expectOkOr503 = (answers: Answer[]) => {
    for (const a of answers) {
      if (a.status !== 200) expect(a).toMatchObject({ status: 503, retryAfter: expect.stringMatching(/^\d+$/) })
    }
  }
  const expectQuick = (answers: Answer[]) => {
    for (const a of answers) expect(a.elapsedMs).toBeLessThan(FAILS_FAST_MS)
  }
  /** The counts a visitor was shown only ever grew: its session was never lost and restarted at 1. */
  const expectCountsGrow = (v: Visitor) => {
    const counts = v.answers.filter((a) => a.status === 200).map((a) => a.count!)
    expect(counts.every((n, i) => i === 0 || n > counts[i - 1]!), counts.join(' ')).toBe(true)
  }

  async function warmVisitors(n: number): Promise<Visitor[]> {
    const visitors = Array.from({ length: n }, visitor)
    // A cold on-disk DynamoDB Local on a busy machine may miss the deadline once or twice: try again.
    await Promise.all(
      visitors.map(async (v) => {
        for (let attempt = 0; attempt < 10 && (await v.visit(server.url)).status !== 200; attempt++);
      }),
    )
    for (const v of visitors) expect(v.jar.get('sid')).toBeDefined()
    return visitors
  }

  it('answers 503 with Retry-After within the deadline while DynamoDB hangs (SIGSTOP), and recovers on its own', async () => {
    const visitors = await warmVisitors(10)
    const load = startLoad(visitors, { baseUrl: server.url, pauseMs: 50 })
    await waitFor(() => visitors.every((v) => v.ok() >= 3), 'steady visits')
    local.process.kill('SIGSTOP')
    const frozen = positions(visitors)
    await waitFor(() => count503(visitors, frozen) >= 20, '503s while DynamoDB hangs')
    expect((await get('/healthz')).status).toBe(200)
    local.process.kill('SIGCONT')
    const resumed = positions(visitors)
    await waitFor(() => visitors.every((v, i) => between(v, resumed[i]!).some((a) => a.status === 200)), 'visits to succeed again', 60_000)
    await load.stop()

    for (const [i, v] of visitors.entries()) {
      expectOkOr503(v.answers)
      expectQuick(between(v, frozen[i]!, resumed[i]!))
      expectCountsGrow(v)
    }
    expect(server.process.exitCode).toBeNull()
  }, 120_000)

  it('while DynamoDB is stopped: quick 503s, /healthz 200, /readyz 503, flat memory; after its restart the same sessions count on', async () => {
    const visitors = await warmVisitors(10)
    const load = startLoad(visitors, { baseUrl: server.url, pauseMs: 50 })
    await waitFor(() => visitors.every((v) => v.ok() >= 3), 'steady visits')
    const before = await residentBytes(server.process.pid!)

    const port = local.port
    local.process.kill('SIGKILL')
    await local.stop()
    const stopped = positions(visitors)
    await waitFor(() => count503(visitors, stopped) >= 150, '503s during the outage', 60_000)

    // A newcomer fails the same way: its session cannot be created, so it gets no cookie either.
    const newcomer = await get('/private')
    expect(newcomer.status).toBe(503)
    expect(newcomer.headers.get('retry-after')).toMatch(/^\d+$/)
    expect(newcomer.headers.get('set-cookie')).toBeNull()
    expect((await get('/healthz')).status).toBe(200)
    await waitFor(async () => (await get('/readyz')).status === 503, '/readyz to report the outage', 10_000)
    const during = await residentBytes(server.process.pid!)
    expect(during - before, `RSS grew from ${Math.round(before / MB)} MB to ${Math.round(during / MB)} MB`).toBeLessThan(100 * MB)

    local = await startDynamoDbLocal({ port, dbPath: dataDir })
    const restarted = positions(visitors)
    const client = createDynamoDbClient({ endpoint: local.endpoint, timeoutMs: 30_000 })
    try {
      // A fresh JVM answers its first calls slowly; wait for that here rather than count it against the server.
      await client.send(new DescribeTableCommand({ TableName: table }))
      await waitFor(() => visitors.every((v, i) => between(v, restarted[i]!).some((a) => a.status === 200)), 'visits to succeed again', 60_000)
      await waitFor(async () => (await get('/readyz')).status === 200, '/readyz to report ready', 10_000)
      await load.stop()

      expect(server.process.exitCode).toBeNull()
      for (const [i, v] of visitors.entries()) {
        expectOkOr503(v.answers)
        expectQuick(between(v, stopped[i]!, restarted[i]!))
        expectCountsGrow(v)
        const stored = (await storedViews(client, table, v.jar))!
        expect(stored).toBeGreaterThanOrEqual(v.ok())
        // A call cut off by the stop, or answered 503 after its deadline, may still have been applied.
        expect(stored).toBeLessThanOrEqual(v.ok() + v.unanswered())
      }
    } finally {
      client.destroy()
    }
  }, 180_000)
})
