import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { freePort } from '../../scripts/dynamodb-local.js'
import { ROOT, spawnAndWaitForHealth, type ServerProcess } from '../support/server-process.js'

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

/** Starts the app under Bun or Deno and waits until GET /healthz answers. */
export async function startRuntimeServer(runtime: Runtime, env: Record<string, string>, port?: number): Promise<ServerProcess> {
  const [command, ...args] = RUNTIMES[runtime]
  if (!existsSync(command)) throw new Error(`${runtime} binary not found at ${command} (it is a devDependency: npm install)`)
  return spawnAndWaitForHealth(
    command,
    args,
    // Both runtimes keep their caches under HOME.
    { HOME: process.env.HOME ?? ROOT, NODE_ENV: 'test', LOG_LEVEL: 'warn', ...env },
    port ?? (await freePort()),
    { name: runtime, timeoutMs: 45_000, pollMs: 100 },
  )
}
