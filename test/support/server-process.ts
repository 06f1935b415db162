import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { freePort } from '../../scripts/dynamodb-local.js'

/** The project root: every child process runs from here. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url))

/** A child process with everything it prints kept. */
export interface ChildHandle {
  readonly process: ChildProcess
  /** Everything the process printed so far, stdout and stderr together. */
  output(): string
  /** Sends `signal` unless the process has ended already; resolves with its exit code once it has exited. */
  kill(signal?: NodeJS.Signals): Promise<number | null>
  /** SIGTERM, then SIGKILL when it is still running after `graceMs`; resolves once it has exited. */
  stop(graceMs?: number): Promise<void>
}

/** A child process that serves HTTP on 127.0.0.1 at `port`. */
export interface ServerProcess extends ChildHandle {
  readonly url: string
  readonly port: number
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Spawns `command args` from the project root with only PATH inherited, and keeps what it prints. */
export function spawnChild(command: string, args: readonly string[], env: Record<string, string>): ChildHandle {
  const child = spawn(command, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let log = ''
  child.stdout!.on('data', (chunk) => (log += chunk))
  child.stderr!.on('data', (chunk) => (log += chunk))
  const exited = new Promise<number | null>((ok) => {
    child.once('exit', (code) => ok(code))
    // A command that cannot be started emits 'error' and never exits: keep the error in the output.
    child.once('error', (error) => {
      log += `\n${error.message}\n`
      if (child.pid === undefined) ok(null)
    })
  })
  const running = () => child.pid !== undefined && child.exitCode === null && child.signalCode === null
  return {
    process: child,
    output: () => log,
    async kill(signal = 'SIGKILL') {
      if (running()) child.kill(signal)
      return exited
    },
    async stop(graceMs = 3000) {
      if (!running()) return
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
      await exited
      clearTimeout(timer)
    },
  }
}

export interface HealthWait {
  /** What the errors call the process. */
  readonly name?: string
  readonly timeoutMs?: number
  readonly pollMs?: number
}

/**
 * Spawns `command args` with PORT set to `port` (after `env`, so it always wins) and
 * waits until GET /healthz answers 2xx. Fails at once when the process exits first,
 * and kills it when it does not answer within the time allowed.
 */
export async function spawnAndWaitForHealth(
  command: string,
  args: readonly string[],
  env: Record<string, string>,
  port: number,
  { name = [command, ...args].join(' '), timeoutMs = 30_000, pollMs = 50 }: HealthWait = {},
): Promise<ServerProcess> {
  const child = spawnChild(command, args, { ...env, PORT: String(port) })
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const { exitCode, signalCode, pid } = child.process
    if (exitCode !== null || signalCode !== null || pid === undefined) {
      throw new Error(`${name} exited with ${exitCode ?? signalCode ?? 'no process'}:\n${child.output()}`)
    }
    try {
      if ((await fetch(`${url}/healthz`)).ok) break
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await child.kill('SIGKILL')
      throw new Error(`${name} did not serve /healthz within ${timeoutMs / 1000} s:\n${child.output()}`)
    }
    await sleep(pollMs)
  }
  return { ...child, url, port }
}

/**
 * Starts the real server (src/server/main.ts through tsx) as a child process on `port`
 * (a free one by default) and waits until GET /healthz answers.
 */
export async function startServer(env: Record<string, string>, port?: number): Promise<ServerProcess> {
  return spawnAndWaitForHealth(
    process.execPath,
    ['--import', 'tsx', 'src/server/main.ts'],
    // A generous DynamoDB deadline by default: CI machines are slow and shared; outage tests set their own.
    { NODE_ENV: 'test', LOG_LEVEL: 'warn', DYNAMODB_TIMEOUT_MS: '10000', ...env },
    port ?? (await freePort()),
    { name: 'server' },
  )
}

/** A crash and a restart: SIGKILLs `server`, then starts another on the same port. */
export async function killAndRestart<S extends ServerProcess>(server: S, start: (port: number) => Promise<S>): Promise<S> {
  const port = server.port
  await server.kill('SIGKILL')
  return start(port)
}
