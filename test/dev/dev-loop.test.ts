// `npm run dev` as a developer meets it, with its real DynamoDB Local (Java) and server processes.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it, onTestFailed } from 'vitest'
import { freePort } from '../../scripts/dynamodb-local.js'
import { waitFor } from '../reliability/support/visitors.js'
import { alive, commandLine, descendants, killAll } from '../support/process-tree.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

interface Dev {
  readonly child: ChildProcess
  readonly port: number
  readonly dynamodbPort: number
  output(): string
  exited: Promise<number | null>
}

const started: Dev[] = []
const seen = new Set<number>()
const holders: Server[] = []
const folders: string[] = []

afterEach(async () => {
  for (const dev of started.splice(0)) {
    for (const pid of descendants(dev.child.pid!)) seen.add(pid)
    if (dev.child.exitCode === null && dev.child.signalCode === null) dev.child.kill('SIGKILL')
  }
  killAll([...seen])
  seen.clear()
  await Promise.all(holders.splice(0).map((h) => new Promise((resolve) => h.close(resolve))))
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true })
})

function dataFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'dev-loop-'))
  folders.push(folder)
  return join(folder, 'dynamodb')
}

async function hold(port: number): Promise<void> {
  const holder = createServer()
  holders.push(holder)
  await new Promise<void>((resolve) => holder.listen(port, '127.0.0.1', resolve))
}

async function startDev(options: { dataDir: string; port?: number; dynamodbPort?: number }): Promise<Dev> {
  const port = options.port ?? (await freePort())
  const dynamodbPort = options.dynamodbPort ?? (await freePort())
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/dev.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? ROOT,
      PORT: String(port),
      DYNAMODB_LOCAL_PORT: String(dynamodbPort),
      DYNAMODB_LOCAL_DIR: options.dataDir,
      LOG_LEVEL: 'warn',
      // A cold JVM on a busy machine is slow to answer its first calls.
      DYNAMODB_TIMEOUT_MS: '15000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let log = ''
  child.stdout!.on('data', (chunk) => (log += chunk))
  child.stderr!.on('data', (chunk) => (log += chunk))
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const dev = { child, port, dynamodbPort, output: () => log, exited }
  started.push(dev)
  onTestFailed(() => console.error(`npm run dev printed:\n${log}`))
  return dev
}

async function serving(dev: Dev): Promise<void> {
  await waitFor(
    async () => {
      if (dev.child.exitCode !== null) throw new Error(`dev exited with ${dev.child.exitCode}:\n${dev.output()}`)
      return fetch(`http://127.0.0.1:${dev.port}/private`).then((r) => r.ok, () => false)
    },
    'the dev server to serve /private',
    60_000,
  )
}

/** The java and server processes below dev. */
function workers(dev: Dev): { java: number; server: number; all: number[] } {
  const all = descendants(dev.child.pid!)
  for (const pid of all) seen.add(pid)
  const java = all.find((pid) => commandLine(pid)?.includes('DynamoDBLocal.jar'))
  const server = all.find((pid) => commandLine(pid)?.includes('src/server/main.ts'))
  if (!java || !server) throw new Error(`expected java and the server below dev, found: ${all.map(commandLine).join(' | ')}`)
  return { java, server, all }
}

const javaOnPort = (port: number) =>
  descendants(1).some((pid) => commandLine(pid)?.includes(`DynamoDBLocal.jar -port ${port} `))

describe('npm run dev', () => {
  it('refuses a taken DynamoDB Local port before Java starts, naming the port and what to do', async () => {
    const dynamodbPort = await freePort()
    await hold(dynamodbPort)
    const dev = await startDev({ dataDir: dataFolder(), dynamodbPort })
    expect(await dev.exited).toBe(1)
    expect(dev.output()).toContain(`port ${dynamodbPort} is in use`)
    expect(dev.output()).toContain('DYNAMODB_LOCAL_PORT')
    expect(dev.output()).not.toContain('DynamoDB Local on')
    expect(javaOnPort(dynamodbPort)).toBe(false)
  })

  it('leaves neither Java nor the server running when it is killed with SIGKILL', async () => {
    const dev = await startDev({ dataDir: dataFolder() })
    await serving(dev)
    const { java, server } = workers(dev)
    dev.child.kill('SIGKILL')
    await waitFor(() => !alive(java) && !alive(server), 'Java and the server to be gone', 15_000)
  })

  it('stops what a previous run left behind (its guard killed too) and starts on the same ports', async () => {
    const dataDir = dataFolder()
    const first = await startDev({ dataDir })
    await serving(first)
    const { java, server, all } = workers(first)
    // Kill the guard first, then dev: nothing is left to clean up, as with `kill -9` of every process but the workers.
    killAll(all.filter((pid) => pid !== java && pid !== server))
    first.child.kill('SIGKILL')
    await first.exited
    await new Promise((r) => setTimeout(r, 500))
    expect(alive(java) && alive(server)).toBe(true)

    const second = await startDev({ dataDir, port: first.port, dynamodbPort: first.dynamodbPort })
    // The old server still answers on the port until the new dev has stopped it: wait for that first.
    await waitFor(() => second.output().includes('stopped 2 process(es) a previous npm run dev left running'), 'the leftovers to be stopped', 20_000)
    expect(alive(java) || alive(server)).toBe(false)
    await serving(second)
    expect(second.output()).toContain('DynamoDB Local on')
    expect(workers(second).server).not.toBe(server)
    second.child.kill('SIGTERM')
    expect(await second.exited).toBe(0)
  })

  it('shows DynamoDB Local\'s own error and says to delete the data folder when it is damaged, then exits 1', async () => {
    const dataDir = dataFolder()
    mkdirSync(dataDir, { recursive: true })
    writeFileSync(join(dataDir, 'shared-local-instance.db'), Buffer.alloc(8192, 'not a database '))
    const dev = await startDev({ dataDir })
    expect(await dev.exited).toBe(1)
    expect(dev.output()).toContain('DynamoDB Local: ')
    expect(dev.output()).toMatch(/file is (encrypted or is )?not a database/)
    expect(dev.output()).toContain(`delete ${dataDir}`)
    expect(dev.output()).not.toContain('DynamoDB Local on')
    expect(javaOnPort(dev.dynamodbPort)).toBe(false)
  })

  it('exits with the server\'s error when its first start fails, stopping DynamoDB Local', async () => {
    const port = await freePort()
    await hold(port)
    const dev = await startDev({ dataDir: dataFolder(), port })
    expect(await dev.exited).toBe(1)
    expect(dev.output()).toContain(`port ${port} is in use`)
    expect(dev.output()).toContain('[dev] the server did not start')
    await waitFor(() => !javaOnPort(dev.dynamodbPort), 'DynamoDB Local to be stopped', 10_000)
  })
})
