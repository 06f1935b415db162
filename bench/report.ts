// Turns the measurements of all rounds into per-app figures, ratios, target checks and a text table.
import type { Measurement, ScenarioName } from './scenarios.js'

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
  /** Lost-updates scenario: median over rounds, and every round. */
  readonly lost?: number
  readonly lostRuns?: number[]
}

export interface ScenarioFigures {
  readonly scenario: ScenarioName
  /** The delay added to every DynamoDB call (0: loopback to DynamoDB Local). */
  readonly latencyMs: number
  /** The scenario and its condition, e.g. "returning sessions (+2 ms per DynamoDB call)". */
  readonly title: string
  readonly ours: AppFigures
  readonly baseline: AppFigures
  /** ours / baseline. */
  readonly ratios: { reqPerSec: number; p50Ms: number; p99Ms: number; callsPerRequest: number }
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
    ...(cpuRuns.length === runs.length ? { cpuMsPerRequest: { app: cpuOf('app'), dynamodb: cpuOf('dynamodb') } } : {}),
    ...(lostRuns.length ? { lost: median(lostRuns), lostRuns } : {}),
  }
}

/** Figures per scenario and latency, in the order the runs were made. */
export function summarize(measurements: readonly Measurement[], ours: string, baseline: string): ScenarioFigures[] {
  const groups = [...new Map(measurements.map((m) => [`${m.latencyMs} ${m.scenario}`, m] as const)).values()]
  return groups.map(({ scenario, latencyMs }) => {
    const of = (app: string) => figuresOf(measurements.filter((m) => m.scenario === scenario && m.latencyMs === latencyMs && m.app === app))
    const a = of(ours)
    const b = of(baseline)
    return {
      scenario,
      latencyMs,
      title: `${TITLES[scenario]} (${condition(latencyMs)})`,
      ours: a,
      baseline: b,
      ratios: {
        reqPerSec: a.reqPerSec / b.reqPerSec,
        p50Ms: a.p50Ms / b.p50Ms,
        p99Ms: a.p99Ms / b.p99Ms,
        callsPerRequest: a.callsPerRequestTotal / b.callsPerRequestTotal,
      },
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
  const targets: Target[] = []
  if (returning) {
    const r = returning.ratios
    targets.push(
      { goal: `>= 2x the req/s on returning sessions (${when})`, met: r.reqPerSec >= 2, detail: `${times(r.reqPerSec)}` },
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

const cpuTotal = (app: AppFigures) => (app.cpuMsPerRequest ? app.cpuMsPerRequest.app + app.cpuMsPerRequest.dynamodb : Number.NaN)

const opsText = (calls: Record<string, number>) =>
  Object.entries(calls)
    .map(([op, n]) => `${num(n)} ${op}`)
    .join(' + ') || '0'

/** A plain-text table for stdout and for BENCHMARKS.md (inside a code block). */
export function table(figures: readonly ScenarioFigures[]): string {
  const header = ['scenario', 'app', 'req/s (median; runs)', 'p50', 'p99', 'non-2xx', 'DynamoDB calls per request', 'CPU ms/req: app + DynamoDB Local', 'lost (median; runs)']
  const rows: string[][] = [header]
  for (const f of figures) {
    const load = f.scenario !== 'lost'
    for (const [name, app] of [
      ['ours', f.ours],
      ['baseline', f.baseline],
    ] as const) {
      rows.push([
        name === 'ours' ? f.title : '',
        name,
        load ? `${num(app.reqPerSec, 0)}; ${app.reqPerSecRuns.map((r) => num(r, 0)).join(', ')}` : '-',
        load ? ms(app.p50Ms) : '-',
        load ? ms(app.p99Ms) : '-',
        String(app.non2xx),
        `${num(app.callsPerRequestTotal)} (${opsText(app.callsPerRequest)})`,
        app.cpuMsPerRequest ? `${num(app.cpuMsPerRequest.app)} + ${num(app.cpuMsPerRequest.dynamodb)}` : '-',
        app.lostRuns ? `${num(app.lost!, 0)}; ${app.lostRuns.join(', ')}` : '-',
      ])
    }
    rows.push([
      '',
      'ours/baseline',
      load ? times(f.ratios.reqPerSec) : '-',
      load ? times(f.ratios.p50Ms) : '-',
      load ? times(f.ratios.p99Ms) : '-',
      '',
      times(f.ratios.callsPerRequest),
      f.ours.cpuMsPerRequest && f.baseline.cpuMsPerRequest ? times(cpuTotal(f.ours) / cpuTotal(f.baseline)) : '',
      '',
    ])
  }
  const widths = header.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)))
  const line = (r: string[]) => r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd()
  return [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n')
}
