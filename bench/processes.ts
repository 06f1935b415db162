// Child processes of the benchmark: the two apps under test and their counting proxies.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { spawnAndWaitForHealth, spawnChild, type ChildHandle, type ServerProcess } from '../test/support/server-process.js'
import { CONTROL_PATH, LATENCY_PATH, type ProxyCounts } from './counting-proxy.js'

export type Child = ChildHandle

export interface CountingProxy extends Child {
  readonly url: string
  /** The calls and capacity units since the last take(), and a fresh start from zero. */
  take(): Promise<ProxyCounts>
  /** Holds every DynamoDB call this long before forwarding it, from now on. */
  setLatency(ms: number): Promise<void>
}

export async function startCountingProxy(target: string): Promise<CountingProxy> {
  const child = spawnChild(process.execPath, ['--import', 'tsx', 'bench/counting-proxy.ts', target], {})
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
      return (await response.json()) as ProxyCounts
    },
    async setLatency(ms: number) {
      const response = await fetch(`${url}${LATENCY_PATH}?ms=${ms}`, { method: 'PUT' })
      if (!response.ok) throw new Error(`setting the proxy latency to ${ms} ms failed: ${response.status}`)
    },
  }
}

export type AppServer = ServerProcess

/** Starts an app with the shared environment contract and waits until GET /healthz answers. */
export async function startApp(args: string[], env: Record<string, string>, port: number): Promise<AppServer> {
  return spawnAndWaitForHealth(process.execPath, args, env, port, { name: args.join(' '), timeoutMs: 60_000, pollMs: 100 })
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
