import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { freePort } from '../../scripts/dynamodb-local.js'
import { ROOT, spawnAndWaitForHealth, type ServerProcess } from '../support/server-process.js'

const bin = (name: string) => fileURLToPath(new URL(`../../node_modules/.bin/${name}`, import.meta.url))

/** The commands docs/deploying.md and docs/demo-server.md document for each runtime, run from the project root. */
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

/** A server process that can also be waited on until it ends by itself. */
export type RuntimeServer = ServerProcess & {
  /** Resolves with the exit code once the process has ended (null when a signal ended it). */
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
  const server = await spawnAndWaitForHealth(command!, args, { ...baseEnvironment(), ...env }, port ?? (await freePort()), {
    name: argv.join(' '),
    timeoutMs: 45_000,
    pollMs: 100,
  })
  const child = server.process
  const exited = new Promise<number | null>((ok) => {
    if (child.exitCode !== null || child.signalCode !== null) ok(child.exitCode)
    else child.once('exit', (code) => ok(code))
  })
  return { ...server, exited: () => exited }
}
