// The start commands as an orchestrator runs them: `docker stop` signals the
// process the command created (npm, when npm is PID 1), not the server below it.
import { SECRET } from '../support/secrets.js'
import { execFileSync, spawnSync } from 'node:child_process'
import { createServer, type Server } from 'node:net'
import { afterEach, beforeAll, describe, expect, it, onTestFailed } from 'vitest'
import { freePort } from '../../scripts/dynamodb-local.js'
import { tryConnect } from '../reliability/support/connect.js'
import { startDynamoDbProxy, type DynamoDbProxy } from '../reliability/support/dynamodb-proxy.js'
import { visitor, waitFor } from '../reliability/support/visitors.js'
import { endpoint, uniqueTableName } from '../support/dynamodb.js'
import { alive, descendants, killAll } from '../support/process-tree.js'
import { ROOT } from '../support/server-process.js'
import { baseEnvironment, RUNTIMES, startCommand, type Runtime, type RuntimeServer } from './runtime-server.js'

const SCRIPTS: [string, Runtime][] = [
  ['start', 'node'],
  ['start:bun', 'bun'],
  ['start:deno', 'deno'],
]

describe.each(SCRIPTS)('npm run %s', (script) => {
  let proxy: DynamoDbProxy | undefined
  let server: RuntimeServer | undefined
  /** The processes npm started, remembered so that none outlives a failed test. */
  let below: number[] = []
  beforeAll(() => {
    // `npm start` serves the build; the others run the sources.
    if (script === 'start') execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' })
  })
  afterEach(async () => {
    if (server) below.push(...descendants(server.process.pid!))
    killAll(below.splice(0))
    await server?.kill('SIGKILL')
    await proxy?.close()
  })

  it('SIGTERM to the npm process: requests in flight finish with Connection: close, npm exits 0, nothing is left running', async () => {
    onTestFailed(() => console.error(server?.output()))
    proxy = await startDynamoDbProxy(endpoint())
    server = await startCommand(['npm', 'run', script], {
      SESSION_STORE: 'dynamodb',
      DYNAMODB_ENDPOINT: proxy.endpoint,
      SESSION_TABLE: uniqueTableName('npm-start'),
      DYNAMODB_TIMEOUT_MS: '30000',
      LOG_LEVEL: 'info',
    })
    const npmPid = server.process.pid!
    below = descendants(npmPid)
    expect(below.length).toBeGreaterThan(0)

    const visitors = Array.from({ length: 3 }, visitor)
    for (const v of visitors) expect((await v.visit(server.url)).status).toBe(200)
    let release!: () => void
    const released = new Promise<void>((resolve) => (release = resolve))
    const held = () => proxy!.calls.filter((c) => c.operation === 'UpdateItem' && c.status === 0).length
    proxy.setRule(async (call) => {
      if (call.operation === 'UpdateItem') await released
      return 'forward' as const
    })
    const inFlight = visitors.map((v) => v.visit(server!.url))
    await waitFor(() => held() === visitors.length, 'every request to reach DynamoDB')

    // The signal goes to npm's own PID, as `docker stop` sends it to PID 1.
    process.kill(npmPid, 'SIGTERM')
    await waitFor(async () => (await tryConnect(server!.port)) === 'ECONNREFUSED', 'the server to stop accepting', 15_000)
    release()
    const answers = await Promise.all(inFlight)
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200])
    expect(answers.map((a) => a.count)).toEqual([2, 2, 2])
    expect(answers.map((a) => a.connection)).toEqual(['close', 'close', 'close'])

    expect(await server.exited()).toBe(0)
    expect(server.output()).toContain('"msg":"stopped"')
    await waitFor(() => below.every((pid) => !alive(pid)), 'every process below npm to be gone', 5000)
  })
})

describe.each<Runtime>(['node', 'bun', 'deno'])('a taken PORT under %s', (runtime) => {
  let holder: Server | undefined
  afterEach(() => new Promise<void>((resolve) => (holder ? holder.close(() => resolve()) : resolve())))

  it('prints one line, "port N is in use", and exits 1', async () => {
    const port = await freePort()
    holder = createServer()
    await new Promise<void>((resolve) => holder!.listen(port, '127.0.0.1', resolve))
    const [command, ...args] = RUNTIMES[runtime]
    const result = spawnSync(command, args, {
      cwd: ROOT,
      env: { ...baseEnvironment(), SESSION_STORE: 'memory', SESSION_SECRET: SECRET, PORT: String(port) },
      encoding: 'utf8',
      timeout: 60_000,
    })
    expect(result.status, result.stderr).toBe(1)
    expect(result.stderr.trim().split('\n')).toEqual([`port ${port} is in use`])
  })
})
