// Turns the measurements of all rounds into per-app figures, ratios, target checks and a text table.
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
}

export interface Target {
  readonly goal: string
  readonly met: boolean
  readonly detail: string
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

function figuresOf(runs: readonly Measurement[]): AppFigures {
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

function ratiosOf(a: AppFigures, b: AppFigures): Ratios {
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
export function summarize(measurements: readonly Measurement[], ours: string, baseline: string, floor?: string): ScenarioFigures[] {
  const groups = [...new Map(measurements.map((m) => [`${m.latencyMs} ${m.scenario}`, m] as const)).values()]
  return groups.map(({ scenario, latencyMs }) => {
    const runsOf = (app: string) => measurements.filter((m) => m.scenario === scenario && m.latencyMs === latencyMs && m.app === app)
    const a = figuresOf(runsOf(ours))
    const b = figuresOf(runsOf(baseline))
    const f = floor && runsOf(floor).length ? figuresOf(runsOf(floor)) : undefined
    return {
      scenario,
      latencyMs,
      title: `${TITLES[scenario]} (${condition(latencyMs)})`,
      ours: a,
      baseline: b,
      ...(f ? { floor: f, floorRatios: ratiosOf(a, f) } : {}),
      ratios: ratiosOf(a, b),
    }
  })
}

/** The targets of the issue, checked against the figures, for each latency condition. */
export function checkTargets(figures: readonly ScenarioFigures[]): Target[] {
  const latencies = [...new Set(figures.map((f) => f.latencyMs))]
  return latencies.flatMap((latencyMs) => targetsUnder(figures.filter((f) => f.latencyMs === latencyMs), condition(latencyMs)))
}

function targetsUnder(figures: readonly ScenarioFigures[], when: string): Target[] {
  const returning = figures.find((f) => f.scenario === 'returning')
  const lost = figures.find((f) => f.scenario === 'lost')
  const fresh = figures.find((f) => f.scenario === 'new')
  const targets: Target[] = []
  if (returning?.floorRatios) {
    const r = returning.floorRatios
    targets.push(
      { goal: `returning sessions: req/s >= 0.8x the floor (${when})`, met: r.reqPerSec >= 0.8, detail: times(r.reqPerSec) },
      {
        goal: `returning sessions: app CPU per visit <= 1.25x the floor (${when})`,
        met: r.appCpu <= 1.25,
        detail: `${times(r.appCpu)} (${num(returning.ours.cpuMsPerRequest?.app ?? Number.NaN)} vs ${num(returning.floor!.cpuMsPerRequest?.app ?? Number.NaN)} ms)`,
      },
    )
  }
  if (fresh) {
    const r = fresh.ratios
    targets.push({ goal: `new sessions: req/s >= 1.2x the baseline (${when})`, met: r.reqPerSec >= 1.2, detail: times(r.reqPerSec) })
  }
  if (returning) {
    const r = returning.ratios
    targets.push(
      { goal: `returning sessions: req/s >= 2x the baseline (${when})`, met: r.reqPerSec >= 2, detail: `${times(r.reqPerSec)}` },
      { goal: `lower p99 on returning sessions (${when})`, met: r.p99Ms < 1, detail: `${ms(returning.ours.p99Ms)} vs ${ms(returning.baseline.p99Ms)}` },
      {
        goal: `half the DynamoDB calls per returning visit or fewer (${when})`,
        met: r.callsPerRequest <= 0.5,
        detail: `${num(returning.ours.callsPerRequestTotal)} vs ${num(returning.baseline.callsPerRequestTotal)}`,
      },
    )
  }
  if (lost) {
    const oursLost = lost.ours.lostRuns ?? []
    const baseLost = lost.baseline.lostRuns ?? []
    targets.push({
      goal: `0 lost updates where the baseline loses some (${when})`,
      met: oursLost.every((n) => n === 0) && baseLost.every((n) => n > 0),
      detail: `ours ${oursLost.join(', ')}; baseline ${baseLost.join(', ')} (per round)`,
    })
  }
  for (const f of figures) {
    const behind: string[] = []
    if (f.scenario !== 'lost' && f.ratios.reqPerSec < 1) behind.push('req/s')
    if (f.scenario !== 'lost' && f.ratios.p50Ms > 1) behind.push('p50')
    if (f.scenario !== 'lost' && f.ratios.p99Ms > 1) behind.push('p99')
    if (f.ours.non2xx > f.baseline.non2xx) behind.push('non-2xx')
    if (f.ratios.callsPerRequest > 1) behind.push('calls/request')
    if ((f.ours.lost ?? 0) > (f.baseline.lost ?? 0)) behind.push('lost updates')
    targets.push({
      goal: `not behind the baseline on any figure: ${f.title}`,
      met: behind.length === 0,
      detail: behind.length ? `behind on ${behind.join(', ')}` : 'ahead or equal on every figure',
    })
  }
  return targets
}

export const num = (n: number, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : '-')
export const ms = (n: number) => `${num(n, n < 10 ? 1 : 0)} ms`
export const times = (n: number) => `${num(n)}x`

const opsText = (calls: Record<string, number>) =>
  Object.entries(calls)
    .map(([op, n]) => `${num(n)} ${op}`)
    .join(' + ') || '0'

const usd = (n: number) => (Number.isFinite(n) ? `$${n.toFixed(3)}` : '-')

/** A plain-text table for stdout and for BENCHMARKS.md (inside a code block). */
export function table(figures: readonly ScenarioFigures[]): string {
  const header = [
    'scenario',
    'app',
    'req/s (median; runs)',
    'p50',
    'p99',
    'non-2xx',
    'DynamoDB calls per request',
    'CPU ms/req: app + DynamoDB Local',
    'RCU + WCU per request',
    '$ per 1M requests',
    'lost (median; runs)',
  ]
  const rows: string[][] = [header]
  for (const f of figures) {
    const load = f.scenario !== 'lost'
    const apps: [string, AppFigures][] = [
      ['ours', f.ours],
      ['baseline', f.baseline],
      ...(f.floor ? [['floor', f.floor] as [string, AppFigures]] : []),
    ]
    apps.forEach(([name, app], i) => {
      rows.push([
        i === 0 ? f.title : '',
        name,
        load ? `${num(app.reqPerSec, 0)}; ${app.reqPerSecRuns.map((r) => num(r, 0)).join(', ')}` : '-',
        load ? ms(app.p50Ms) : '-',
        load ? ms(app.p99Ms) : '-',
        String(app.non2xx),
        `${num(app.callsPerRequestTotal)} (${opsText(app.callsPerRequest)})`,
        app.cpuMsPerRequest ? `${num(app.cpuMsPerRequest.app)} + ${num(app.cpuMsPerRequest.dynamodb)}` : '-',
        `${num(app.unitsPerRequest.read)} + ${num(app.unitsPerRequest.write)}`,
        usd(app.usdPerMillionRequests),
        app.lostRuns ? `${num(app.lost!, 0)}; ${app.lostRuns.join(', ')}` : '-',
      ])
    })
    const ratioRow = (label: string, r: Ratios) => [
      '',
      label,
      load ? times(r.reqPerSec) : '-',
      load ? times(r.p50Ms) : '-',
      load ? times(r.p99Ms) : '-',
      '',
      times(r.callsPerRequest),
      Number.isFinite(r.appCpu) ? `${times(r.appCpu)} app, ${times(r.totalCpu)} total` : '',
      '',
      times(r.usdPerMillion),
      '',
    ]
    rows.push(ratioRow('ours/baseline', f.ratios))
    if (f.floorRatios) rows.push(ratioRow('ours/floor', f.floorRatios))
  }
  const widths = header.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)))
  const line = (r: string[]) => r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd()
  return [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n')
}
