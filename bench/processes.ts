// Child processes of the benchmark: the two apps under test and their counting proxies.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { CONTROL_PATH, LATENCY_PATH, type CallCounts } from './counting-proxy.js'

export const ROOT = fileURLToPath(new URL('..', import.meta.url))

export interface Child {
  readonly process: ChildProcess
  output(): string
  stop(): Promise<void>
}

function launch(args: string[], env: Record<string, string>): Child {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let log = ''
  child.stdout!.on('data', (chunk) => (log += chunk))
  child.stderr!.on('data', (chunk) => (log += chunk))
  const exited = new Promise<void>((ok) => child.once('exit', () => ok()))
  return {
    process: child,
    output: () => log,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000)
      await exited
      clearTimeout(timer)
    },
  }
}

export interface CountingProxy extends Child {
  readonly url: string
  /** The counts since the last take(), and a fresh start from zero. */
  take(): Promise<CallCounts>
  /** Holds every DynamoDB call this long before forwarding it, from now on. */
  setLatency(ms: number): Promise<void>
}

export async function startCountingProxy(target: string): Promise<CountingProxy> {
  const child = launch(['--import', 'tsx', 'bench/counting-proxy.ts', target], {})
  const deadline = Date.now() + 30_000
  let port: number | undefined
  while (port === undefined) {
    const line = child.output().split('\n').find((l) => l.startsWith('{"port"'))
    if (line) port = (JSON.parse(line) as { port: number }).port
    else if (child.process.exitCode !== null || Date.now() > deadline) {
      await child.stop()
      throw new Error(`counting proxy did not start:\n${child.output()}`)
    } else await sleep(50)
  }
  const url = `http://127.0.0.1:${port}`
  return {
    ...child,
    url,
    async take() {
      const response = await fetch(`${url}${CONTROL_PATH}`, { method: 'DELETE' })
      return (await response.json()) as CallCounts
    },
    async setLatency(ms: number) {
      const response = await fetch(`${url}${LATENCY_PATH}?ms=${ms}`, { method: 'PUT' })
      if (!response.ok) throw new Error(`setting the proxy latency to ${ms} ms failed: ${response.status}`)
    },
  }
}

export interface AppServer extends Child {
  readonly url: string
}

/** Starts an app with the shared environment contract and waits until GET /healthz answers. */
export async function startApp(args: string[], env: Record<string, string>, port: number): Promise<AppServer> {
  const child = launch(args, { ...env, PORT: String(port) })
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 60_000
  for (;;) {
    if (child.process.exitCode !== null) throw new Error(`${args.join(' ')} exited:\n${child.output()}`)
    try {
      if ((await fetch(`${url}/healthz`)).ok) break
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await child.stop()
      throw new Error(`${args.join(' ')} did not start within 60 s:\n${child.output()}`)
    }
    await sleep(100)
  }
  return { ...child, url }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

let ticksPerSecond: number | undefined

/**
 * CPU time a process has used so far (user + system, all threads), in milliseconds,
 * from /proc; undefined where there is no /proc. CPU time, unlike wall time, does not
 * grow when other programs compete for the machine.
 */
export function cpuMillis(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined
  try {
    ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // Fields after the command name, which is in parentheses and may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond
  } catch {
    return undefined
  }
}
