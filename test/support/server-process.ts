import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { freePort } from '../../scripts/dynamodb-local.js'
import { CookieJar } from './cookie-jar.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

export interface ServerProcess {
  readonly url: string
  readonly port: number
  readonly process: ChildProcess
  /** Everything the process printed so far. */
  output(): string
  kill(signal?: NodeJS.Signals): Promise<number | null>
}

/**
 * Starts the real server (src/server/main.ts through tsx) as a child process and waits
 * until GET /healthz answers.
 */
export async function startServer(env: Record<string, string>, port?: number): Promise<ServerProcess> {
  const chosen = port ?? (await freePort())
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
    cwd: ROOT,
    // A generous DynamoDB deadline by default: CI machines are slow and shared; outage tests set their own.
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', LOG_LEVEL: 'warn', DYNAMODB_TIMEOUT_MS: '10000', ...env, PORT: String(chosen) },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let log = ''
  child.stdout!.on('data', (chunk) => (log += chunk))
  child.stderr!.on('data', (chunk) => (log += chunk))
  const exited = new Promise<number | null>((ok) => child.once('exit', (code) => ok(code)))
  const url = `http://127.0.0.1:${chosen}`
  const deadline = Date.now() + 30_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${log}`)
    try {
      if ((await fetch(`${url}/healthz`)).ok) break
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`server did not start within 30 s:\n${log}`)
    }
    await new Promise((r) => setTimeout(r, 50))
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
  }
}

/** A browser-like client: fetch with a cookie jar. */
export function httpClient(jar = new CookieJar()) {
  return {
    jar,
    async get(url: string, init: RequestInit = {}) {
      const headers = new Headers(init.headers)
      if (jar.header()) headers.set('cookie', jar.header())
      const response = await fetch(url, { ...init, headers })
      jar.take(response)
      return response
    },
  }
}
