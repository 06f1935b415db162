// The three loads of the benchmark, each measured the same way on either app.
import autocannon from 'autocannon'
import type { CallCounts, ProxyCounts } from './counting-proxy.js'
import { cpuMillis, type CountingProxy } from './processes.js'
import { settings } from './settings.js'

/** An app under test, reached directly, with the proxy that counts its DynamoDB calls. */
export interface Target {
  readonly name: string
  readonly url: string
  readonly proxy: CountingProxy
  /** Process ids of the app and of DynamoDB Local, to measure the CPU time a run costs each. */
  readonly appPid: number | undefined
  readonly dynamodbPid: number | undefined
}

export type ScenarioName = 'returning' | 'new' | 'lost'

export interface Measurement {
  readonly app: string
  readonly scenario: ScenarioName
  readonly round: number
  /** The delay the counting proxy added to every DynamoDB call during the run (0: loopback). */
  readonly latencyMs: number
  /** Responses received (every request gets one: runs are bounded by count, not time). */
  readonly requests: number
  readonly seconds: number
  readonly reqPerSec: number
  readonly p50Ms: number
  readonly p99Ms: number
  readonly non2xx: number
  /** Connection errors and timeouts seen by the load generator. */
  readonly errors: number
  /** DynamoDB calls during the run, by operation. */
  readonly calls: CallCounts
  /** Capacity units DynamoDB reported for the run's calls, and how they were asked for (see counting-proxy.ts). */
  readonly capacity: Omit<ProxyCounts, 'calls'>
  /** CPU milliseconds per request spent by the app process and by DynamoDB Local (Linux only). */
  readonly cpuMsPerRequest?: { app: number; dynamodb: number }
  /** Lost-updates scenario only: 2xx answers whose increment the counter does not show. */
  readonly lost?: number
  readonly counterAdvance?: number
  /** What else sets the run apart (session size, table size, connections, section). */
  readonly tags?: Readonly<Record<string, string | number>>
}

/** Which round a run belongs to, the DynamoDB latency it ran under, and its tags. */
export interface RunLabel {
  readonly round: number
  readonly latencyMs: number
  readonly tags?: Readonly<Record<string, string | number>>
}

const COUNT = /visited (\d+) times/

/** Starts `n` sessions with one visit each; returns their Cookie headers. */
export async function makeSessions(url: string, n: number): Promise<string[]> {
  const cookies: string[] = []
  for (let i = 0; i < n; i++) {
    const response = await fetch(`${url}/private`)
    const body = await response.text()
    const line = response.headers.getSetCookie()[0]
    if (!response.ok || !line || !body.includes('visited 1 times')) {
      throw new Error(`starting a session failed: ${response.status} ${body}`)
    }
    cookies.push(line.split(';')[0]!)
  }
  return cookies
}

async function visitCount(url: string, cookie: string): Promise<number> {
  const response = await fetch(`${url}/private`, { headers: { cookie } })
  const body = await response.text()
  const match = COUNT.exec(body)
  if (!response.ok || !match) throw new Error(`reading the counter failed: ${response.status} ${body}`)
  return Number(match[1])
}

async function measure(
  target: Target,
  scenario: ScenarioName,
  run: RunLabel,
  options: autocannon.Options,
): Promise<Omit<Measurement, 'lost' | 'counterAdvance'>> {
  await target.proxy.take()
  const cpuBefore = [cpuMillis(target.appPid), cpuMillis(target.dynamodbPid)]
  // autocannon notices the end of a run bounded by count only at its next one-second tick,
  // so its duration is rounded up to whole seconds: time the run from its own responses.
  const started = performance.now()
  let lastResponse = started
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon({ ...options, url: target.url }, (error, done) => (clearTimeout(cap), error ? reject(error) : resolve(done)))
    instance.on('response', () => (lastResponse = performance.now()))
    // Bounded in time as well as in count: a slow app or a large session cannot stretch the run.
    const cap = setTimeout(() => instance.stop(), settings.maxRunSeconds * 1000)
  })
  const seconds = (lastResponse - started) / 1000
  const cpuAfter = [cpuMillis(target.appPid), cpuMillis(target.dynamodbPid)]
  const { calls, ...capacity } = await target.proxy.take()
  const perRequest = (i: number) => (cpuAfter[i]! - cpuBefore[i]!) / result.requests.total
  const measuredCpu = [...cpuBefore, ...cpuAfter].every((n) => n !== undefined)
  return {
    app: target.name,
    scenario,
    round: run.round,
    latencyMs: run.latencyMs,
    requests: result.requests.total,
    seconds,
    reqPerSec: result.requests.total / seconds,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    calls,
    capacity,
    ...(measuredCpu ? { cpuMsPerRequest: { app: perRequest(0), dynamodb: perRequest(1) } } : {}),
    ...(run.tags ? { tags: run.tags } : {}),
  }
}

/** GET /private spread round-robin over pre-made sessions. */
export function returningSessions(target: Target, cookies: readonly string[], amount: number, connections: number, run: RunLabel) {
  let next = 0
  return measure(target, 'returning', run, {
    url: target.url,
    connections,
    amount,
    requests: [
      {
        method: 'GET',
        path: '/private',
        setupRequest: (request) => ({ ...request, headers: { ...request.headers, cookie: cookies[next++ % cookies.length]! } }),
      },
    ],
  })
}

/** GET /private without a cookie: every request starts a session. */
export function newSessions(target: Target, amount: number, connections: number, run: RunLabel) {
  return measure(target, 'new', run, { url: target.url, connections, amount, requests: [{ method: 'GET', path: '/private' }] })
}

/**
 * `visits` GET /private on one fresh session, `inFlight` at a time. The counter
 * is read with one more visit afterwards; every 2xx answer should have advanced it.
 */
export async function lostUpdates(target: Target, visits: number, inFlight: number, label: RunLabel): Promise<Measurement> {
  const [cookie] = await makeSessions(target.url, 1)
  const run = await measure(target, 'lost', label, {
    url: target.url,
    connections: inFlight,
    amount: visits,
    headers: { cookie: cookie! },
    requests: [{ method: 'GET', path: '/private' }],
  })
  // The session started at 1 and the reading visit adds 1 of its own.
  const counterAdvance = (await visitCount(target.url, cookie!)) - 2
  const succeeded = run.requests - run.non2xx
  return { ...run, counterAdvance, lost: succeeded - counterAdvance }
}
