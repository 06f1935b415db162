import { afterEach, describe, expect, it } from 'vitest'
import { endpoint, testClient, uniqueTableName } from '../support/dynamodb.js'
import { startServer, type ServerProcess } from '../support/server-process.js'
import { tryConnect } from './support/connect.js'
import { startDynamoDbProxy, type DynamoDbProxy } from './support/dynamodb-proxy.js'
import { storedViews } from './support/stored-session.js'
import { visitor, waitFor, type Answer } from './support/visitors.js'

/** The process must be gone well within this, however loaded the machine. */
const EXIT_BOUND_MS = 20_000

const exitWithin = (exit: Promise<number | null>, ms: number) =>
  Promise.race([exit, new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), ms))])

describe('SIGTERM with requests in flight', () => {
  let proxy: DynamoDbProxy | undefined
  let server: ServerProcess | undefined
  const client = testClient()
  afterEach(async () => {
    await server?.kill('SIGKILL')
    await proxy?.close()
  })

  async function start(table: string, extra: Record<string, string> = {}) {
    // Calls to DynamoDB go through a proxy that can hold them, so requests are provably in flight at the signal.
    proxy = await startDynamoDbProxy(endpoint())
    server = await startServer({
      SESSION_STORE: 'dynamodb',
      DYNAMODB_ENDPOINT: proxy.endpoint,
      SESSION_TABLE: table,
      DYNAMODB_TIMEOUT_MS: '30000',
      LOG_LEVEL: 'info',
      ...extra,
    })
    return { proxy, server }
  }

  /** Holds every UpdateItem until the returned release() is called. */
  function holdUpdates(proxy: DynamoDbProxy) {
    let release!: () => void
    const released = new Promise<void>((resolve) => (release = resolve))
    const held = () => proxy.calls.filter((c) => c.operation === 'UpdateItem' && c.status === 0).length
    proxy.setRule(async (call) => {
      if (call.operation === 'UpdateItem') await released
      return 'forward' as const
    })
    return { held, release }
  }

  it('stops accepting, finishes every request in flight with its write, then exits 0', async () => {
    const table = uniqueTableName('shutdown')
    const { proxy, server } = await start(table)
    const visitors = Array.from({ length: 10 }, visitor)
    for (const v of visitors) expect((await v.visit(server.url)).status).toBe(200)

    const { held, release } = holdUpdates(proxy)
    let settled = 0
    const inFlight = visitors.map((v) => v.visit(server.url).finally(() => settled++))
    await waitFor(() => held() === visitors.length, 'every request to reach DynamoDB')

    const exit = server.kill('SIGTERM')
    await waitFor(async () => (await tryConnect(server.port)) === 'ECONNREFUSED', 'new connections to be refused', 10_000)
    expect(settled).toBe(0)

    release()
    const answers: Answer[] = await Promise.all(inFlight)
    expect(answers.map((a) => a.status)).toEqual(visitors.map(() => 200))
    expect(answers.map((a) => a.count)).toEqual(visitors.map(() => 2))
    // Told to drop their connections, clients cannot keep the server waiting on idle keep-alives.
    expect(answers.map((a) => a.connection)).toEqual(visitors.map(() => 'close'))
    expect(await exitWithin(exit, EXIT_BOUND_MS)).toBe(0)
    expect(server.output()).toContain('"msg":"stopped"')
    for (const v of visitors) expect(await storedViews(client, table, v.jar)).toBe(2)
  })

  it('still exits 0 on SIGTERM when nobody reads its logs any more (stdout a broken pipe)', async () => {
    const { server } = await start(uniqueTableName('shutdown-epipe'))
    expect((await visitor().visit(server.url)).status).toBe(200)
    // As when a log shipper dies: every later log line meets a closed pipe.
    server.process.stdout!.destroy()
    server.process.stderr!.destroy()
    expect(await exitWithin(server.kill('SIGTERM'), EXIT_BOUND_MS)).toBe(0)
  })

  it('gives up on a request that outlasts SHUTDOWN_TIMEOUT_MS and exits 1 instead of hanging', async () => {
    const { proxy, server } = await start(uniqueTableName('shutdown-stuck'), { SHUTDOWN_TIMEOUT_MS: '1000' })
    const v = visitor()
    expect((await v.visit(server.url)).status).toBe(200)
    const { held, release } = holdUpdates(proxy)
    const stuck = v.visit(server.url)
    await waitFor(() => held() === 1, 'the request to reach DynamoDB')

    const exit = server.kill('SIGTERM')
    expect(await exitWithin(exit, EXIT_BOUND_MS)).toBe(1)
    expect(server.output()).toContain('shutdown timed out')
    expect((await stuck).status).toBe(0)
    release()
  })
})
