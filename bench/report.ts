// Turns the measurements of all rounds into per-app figures, ratios, target checks and a text table.
import { ms, num, times } from './format.js'
import type { Measurement, ScenarioName } from './scenarios.js'

/**
 * DynamoDB on-demand prices in us-east-1, per million request units, as in effect since
 * the 50 % cut of 1 November 2024 (checked 2026-12-01). A write request unit covers 1 KB
 * of item written; a read request unit one strongly consistent read of up to 4 KB (or two
 * eventually consistent ones).
 */
export const PRICE = { region: 'us-east-1', asOf: '2026-12-01', usdPerMillionWrites: 0.625, usdPerMillionReads: 0.125 } as const

/** On-demand dollars per million requests that each consume these units. */
export const usdPerMillion = (units: { read: number; write: number }) =>
  units.read * PRICE.usdPerMillionReads + units.write * PRICE.usdPerMillionWrites

export interface AppFigures {
  /** Medians over the rounds. */
  readonly reqPerSec: number
  readonly p50Ms: number
  readonly p99Ms: number
  /** Every round's req/s, in round order, to show the spread. */
  readonly reqPerSecRuns: number[]
  /** Summed over the rounds. */
  readonly requests: number
  readonly non2xx: number
  readonly errors: number
  /** Calls per request by operation, over all rounds (total calls / total requests). */
  readonly callsPerRequest: Record<string, number>
  readonly callsPerRequestTotal: number
  /** CPU milliseconds per request of the app process and of DynamoDB Local, over all rounds (Linux only). */
  readonly cpuMsPerRequest?: { app: number; dynamodb: number }
  /** Read and write capacity units per request, as DynamoDB reported them, over all rounds. */
  readonly unitsPerRequest: { read: number; write: number }
  /** On-demand price of those units per million requests, in US dollars (PRICE). */
  readonly usdPerMillionRequests: number
  /** Calls whose consumed capacity the app asked for itself, calls the proxy asked for, calls that reported none. */
  readonly capacityAsked: { byApp: number; byProxy: number; unreported: number }
  /** Lost-updates scenario: median over rounds, and every round. */
  readonly lost?: number
  readonly lostRuns?: number[]
}

export interface Ratios {
  readonly reqPerSec: number
  readonly p50Ms: number
  readonly p99Ms: number
  readonly callsPerRequest: number
  /** App process CPU per request. */
  readonly appCpu: number
  /** App + DynamoDB Local CPU per request. */
  readonly totalCpu: number
  readonly usdPerMillion: number
}

export interface ScenarioFigures {
  readonly scenario: ScenarioName
  /** The delay added to every DynamoDB call (0: loopback to DynamoDB Local). */
  readonly latencyMs: number
  /** The scenario and its condition, e.g. "returning sessions (+2 ms per DynamoDB call)". */
  readonly title: string
  readonly ours: AppFigures
  readonly baseline: AppFigures
  /** The floor app (bench/floor/server.ts), when it ran. */
  readonly floor?: AppFigures
  /** ours / baseline. */
  readonly ratios: Ratios
  /** ours / floor. */
  readonly floorRatios?: Ratios
  /** Other builds of ours run beside it (BENCH_VARIANTS), each with its figures / ours. */
  readonly variants?: { name: string; figures: AppFigures; toOurs: Ratios }[]
}

export interface Target {
  readonly goal: string
  readonly met: boolean
  readonly detail: string
  /** The targets, against the other checks kept from earlier work. */
  readonly primary: boolean
}

export const TITLES: Record<ScenarioName, string> = {
  returning: 'returning sessions',
  new: 'new sessions',
  lost: 'lost updates',
}

export const condition = (latencyMs: number) => (latencyMs === 0 ? 'loopback' : `+${latencyMs} ms per DynamoDB call`)

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/** One app's figures over its runs (medians of the rates and latencies, sums of the counts). */
export function figuresOf(runs: readonly Measurement[]): AppFigures {
  const requests = runs.reduce((sum, r) => sum + r.requests, 0)
  const calls: Record<string, number> = {}
  for (const run of runs) for (const [op, n] of Object.entries(run.calls)) calls[op] = (calls[op] ?? 0) + n
  const callsPerRequest = Object.fromEntries(Object.entries(calls).sort().map(([op, n]) => [op, n / requests]))
  const lostRuns = runs.flatMap((r) => (r.lost === undefined ? [] : [r.lost]))
  const cpuRuns = runs.flatMap((r) => (r.cpuMsPerRequest ? [{ ...r.cpuMsPerRequest, requests: r.requests }] : []))
  const cpuOf = (part: 'app' | 'dynamodb') => cpuRuns.reduce((sum, r) => sum + r[part] * r.requests, 0) / requests
  const sum = (f: (m: Measurement) => number) => runs.reduce((total, r) => total + f(r), 0)
  const unitsPerRequest = { read: sum((r) => r.capacity?.units.read ?? 0) / requests, write: sum((r) => r.capacity?.units.write ?? 0) / requests }
  return {
    reqPerSec: median(runs.map((r) => r.reqPerSec)),
    p50Ms: median(runs.map((r) => r.p50Ms)),
    p99Ms: median(runs.map((r) => r.p99Ms)),
    reqPerSecRuns: runs.map((r) => r.reqPerSec),
    requests,
    non2xx: runs.reduce((sum, r) => sum + r.non2xx, 0),
    errors: runs.reduce((sum, r) => sum + r.errors, 0),
    callsPerRequest,
    callsPerRequestTotal: Object.values(calls).reduce((a, b) => a + b, 0) / requests,
    unitsPerRequest,
    usdPerMillionRequests: usdPerMillion(unitsPerRequest),
    capacityAsked: {
      byApp: sum((r) => r.capacity?.askedByApp ?? 0),
      byProxy: sum((r) => r.capacity?.askedByProxy ?? 0),
      unreported: sum((r) => r.capacity?.unreported ?? 0),
    },
    ...(cpuRuns.length === runs.length ? { cpuMsPerRequest: { app: cpuOf('app'), dynamodb: cpuOf('dynamodb') } } : {}),
    ...(lostRuns.length ? { lost: median(lostRuns), lostRuns } : {}),
  }
}

const cpuTotal = (app: AppFigures) => (app.cpuMsPerRequest ? app.cpuMsPerRequest.app + app.cpuMsPerRequest.dynamodb : Number.NaN)

export function ratiosOf(a: AppFigures, b: AppFigures): Ratios {
  return {
    reqPerSec: a.reqPerSec / b.reqPerSec,
    p50Ms: a.p50Ms / b.p50Ms,
    p99Ms: a.p99Ms / b.p99Ms,
    callsPerRequest: a.callsPerRequestTotal / b.callsPerRequestTotal,
    appCpu: (a.cpuMsPerRequest?.app ?? Number.NaN) / (b.cpuMsPerRequest?.app ?? Number.NaN),
    totalCpu: cpuTotal(a) / cpuTotal(b),
    usdPerMillion: a.usdPerMillionRequests / b.usdPerMillionRequests,
  }
}

/** Figures per scenario and latency, in the order the runs were made. */
export function summarize(measurements: readonly Measurement[], ours: string, baseline: string, floor?: string, variants: readonly string[] = []): ScenarioFigures[] {
  const groups = [...new Map(measurements.map((m) => [`${m.latencyMs} ${m.scenario}`, m] as const)).values()]
  return groups.map(({ scenario, latencyMs }) => {
    const runsOf = (app: string) => measurements.filter((m) => m.scenario === scenario && m.latencyMs === latencyMs && m.app === app)
    const a = figuresOf(runsOf(ours))
    const b = figuresOf(runsOf(baseline))
    const f = floor && runsOf(floor).length ? figuresOf(runsOf(floor)) : undefined
    const others = variants.filter((v) => runsOf(v).length).map((name) => {
      const figures = figuresOf(runsOf(name))
      return { name, figures, toOurs: ratiosOf(figures, a) }
    })
    return {
      scenario,
      latencyMs,
      title: `${TITLES[scenario]} (${condition(latencyMs)})`,
      ours: a,
      baseline: b,
      ...(f ? { floor: f, floorRatios: ratiosOf(a, f) } : {}),
      ratios: ratiosOf(a, b),
      ...(others.length ? { variants: others } : {}),
    }
  })
}

/** The targets of the issue (and the checks kept from earlier work), for each latency condition. */
export function checkTargets(figures: readonly ScenarioFigures[]): Target[] {
  const latencies = [...new Set(figures.map((f) => f.latencyMs))]
  return latencies.flatMap((latencyMs) => targetsUnder(figures.filter((f) => f.latencyMs === latencyMs), condition(latencyMs)))
}

const cpuMs = (app: AppFigures | undefined) => num(app?.cpuMsPerRequest?.app ?? Number.NaN)

function targetsUnder(figures: readonly ScenarioFigures[], when: string): Target[] {
  const returning = figures.find((f) => f.scenario === 'returning')
  const lost = figures.find((f) => f.scenario === 'lost')
  const fresh = figures.find((f) => f.scenario === 'new')
  const targets: Target[] = []
  const goal = (primary: boolean, text: string, met: boolean, detail: string) => targets.push({ goal: `${text} (${when})`, met, detail, primary })
  if (returning?.floorRatios) {
    const r = returning.floorRatios
    goal(true, 'returning visits: req/s >= 0.85x the floor', r.reqPerSec >= 0.85, `${times(r.reqPerSec)} (${num(returning.ours.reqPerSec, 0)} vs ${num(returning.floor!.reqPerSec, 0)})`)
    goal(true, 'returning visits: app CPU per visit <= 1.25x the floor', r.appCpu <= 1.25, `${times(r.appCpu)} (${cpuMs(returning.ours)} vs ${cpuMs(returning.floor)} ms)`)
  }
  if (returning) {
    const r = returning.ratios
    goal(true, 'returning visits: app CPU per visit <= 0.5x the Express baseline', r.appCpu <= 0.5, `${times(r.appCpu)} (${cpuMs(returning.ours)} vs ${cpuMs(returning.baseline)} ms)`)
  }
  if (fresh) {
    const r = fresh.ratios
    const detail = `${times(r.reqPerSec)} (${num(fresh.ours.reqPerSec, 0)} vs ${num(fresh.baseline.reqPerSec, 0)})`
    goal(true, 'new sessions: req/s >= 1.0x the Express baseline', r.reqPerSec >= 1, detail)
    goal(true, 'new sessions: req/s >= 1.2x the Express baseline', r.reqPerSec >= 1.2, detail)
  }
  if (returning) {
    const r = returning.ratios
    goal(false, 'returning visits: lower p99 than the baseline', r.p99Ms < 1, `${ms(returning.ours.p99Ms)} vs ${ms(returning.baseline.p99Ms)}`)
    goal(false, 'half the DynamoDB calls per returning visit or fewer', r.callsPerRequest <= 0.5, `${num(returning.ours.callsPerRequestTotal)} vs ${num(returning.baseline.callsPerRequestTotal)}`)
  }
  if (lost) {
    const oursLost = lost.ours.lostRuns ?? []
    const baseLost = lost.baseline.lostRuns ?? []
    goal(false, '0 lost updates where the baseline loses some', oursLost.every((n) => n === 0) && baseLost.every((n) => n > 0), `ours ${oursLost.join(', ')}; baseline ${baseLost.join(', ')} (per round)`)
  }
  return targets
}
