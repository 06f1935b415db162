import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { freePort } from '../../scripts/dynamodb-local.js'

export const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const bin = (name: string) => fileURLToPath(new URL(`../../node_modules/.bin/${name}`, import.meta.url))

/** The commands the README documents for each runtime, run from the project root. */
export const RUNTIMES = {
  node: [process.execPath, '--import', 'tsx', 'src/server/main.ts'],
  bun: [bin('bun'), 'src/server/bun.ts'],
  deno: [
    bin('deno'),
    'run',
    '--allow-net',
    '--allow-env',
    '--allow-read',
    '--allow-sys',
    '--unstable-sloppy-imports',
    'src/server/deno.ts',
  ],
} as const

export type Runtime = keyof typeof RUNTIMES

export interface RuntimeServer {
  readonly url: string
  readonly port: number
  readonly process: ChildProcess
  output(): string
  /** Signals the process (SIGKILL by default) and resolves with its exit code (null when a signal ended it). */
  kill(signal?: NodeJS.Signals): Promise<number | null>
  /** Resolves with the exit code once the process has ended by itself. */
  exited(): Promise<number | null>
}

/** The environment every spawned server gets, before the test's own variables. */
export const baseEnvironment = (): Record<string, string> => ({
  PATH: process.env.PATH ?? '',
  // Both runtimes keep their caches under HOME; npm wants it too.
  HOME: process.env.HOME ?? ROOT,
  NODE_ENV: 'test',
  LOG_LEVEL: 'warn',
})

/** Starts the app under Node (through tsx), Bun or Deno and waits until GET /healthz answers. */
export function startRuntimeServer(runtime: Runtime, env: Record<string, string>, port?: number): Promise<RuntimeServer> {
  const [command, ...args] = RUNTIMES[runtime]
  if (!existsSync(command)) throw new Error(`${runtime} binary not found at ${command} (it is a devDependency: npm install)`)
  return startCommand([command, ...args], env, port)
}

/** Starts any command that serves the app on PORT (e.g. `npm start`) and waits until GET /healthz answers. */
export async function startCommand(argv: readonly string[], env: Record<string, string>, port?: number): Promise<RuntimeServer> {
  const [command, ...args] = argv
  const chosen = port ?? (await freePort())
  const child = spawn(command!, args, {
    cwd: ROOT,
    env: { ...baseEnvironment(), ...env, PORT: String(chosen) },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let log = ''
  child.stdout!.on('data', (chunk) => (log += chunk))
  child.stderr!.on('data', (chunk) => (log += chunk))
  const exited = new Promise<number | null>((ok) => child.once('exit', (code) => ok(code)))
  const url = `http://127.0.0.1:${chosen}`
  const deadline = Date.now() + 45_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${argv.join(' ')} exited with ${child.exitCode}:\n${log}`)
    try {
      if ((await fetch(`${url}/healthz`)).ok) break
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`${argv.join(' ')} did not serve /healthz within 45 s:\n${log}`)
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  return {
    url,
    port: chosen,
    process: child,
    output: () => log,
    async kill(signal = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal)
      return exited
    },
    exited: () => exited,
  }
}
