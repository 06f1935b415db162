import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { freePort } from '../../scripts/dynamodb-local.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const bin = (name: string) => fileURLToPath(new URL(`../../node_modules/.bin/${name}`, import.meta.url))

/** The commands the README documents for each runtime, run from the project root. */
export const RUNTIMES = {
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
  output(): string
  kill(signal?: NodeJS.Signals): Promise<void>
}

/** Starts the app under Bun or Deno and waits until GET /healthz answers. */
export async function startRuntimeServer(runtime: Runtime, env: Record<string, string>, port?: number): Promise<RuntimeServer> {
  const [command, ...args] = RUNTIMES[runtime]
  if (!existsSync(command)) throw new Error(`${runtime} binary not found at ${command} (it is a devDependency: npm install)`)
  const chosen = port ?? (await freePort())
  const child = spawn(command, args, {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      // Both runtimes keep their caches under HOME.
      HOME: process.env.HOME ?? ROOT,
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      ...env,
      PORT: String(chosen),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let log = ''
  child.stdout!.on('data', (chunk) => (log += chunk))
  child.stderr!.on('data', (chunk) => (log += chunk))
  const exited = new Promise<void>((ok) => child.once('exit', () => ok()))
  const url = `http://127.0.0.1:${chosen}`
  const deadline = Date.now() + 45_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${runtime} exited with ${child.exitCode}:\n${log}`)
    try {
      if ((await fetch(`${url}/healthz`)).ok) break
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`${runtime} did not serve /healthz within 45 s:\n${log}`)
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  return {
    url,
    port: chosen,
    output: () => log,
    async kill(signal = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal)
      await exited
    },
  }
}
