// The report's text tables: the targets section, and one table per growth curve.
import { ms, num, opsText, textTable, times, usd } from './format.js'
import { figuresOf, ratiosOf, type AppFigures, type Ratios, type ScenarioFigures, type Target } from './report.js'
import type { Measurement } from './scenarios.js'

const cpu = (app: AppFigures) => (app.cpuMsPerRequest ? `${num(app.cpuMsPerRequest.app)} + ${num(app.cpuMsPerRequest.dynamodb)}` : '-')
const units = (app: AppFigures) => `${num(app.unitsPerRequest.read)} + ${num(app.unitsPerRequest.write)}`
const cpuRatio = (r: Ratios) => (Number.isFinite(r.appCpu) ? `${times(r.appCpu)} app, ${times(r.totalCpu)} total` : '')

/** The targets section: every app of every scenario, with ours/baseline, ours/floor and variant/ours. */
export function targetsTable(figures: readonly ScenarioFigures[]): string {
  const header = ['scenario', 'app', 'req/s (median; runs)', 'p50', 'p99', 'non-2xx', 'DynamoDB calls per request', 'CPU ms/req: app + DynamoDB Local', 'RCU + WCU per request', '$ per 1M requests', 'lost (median; runs)']
  const rows: string[][] = []
  for (const f of figures) {
    const load = f.scenario !== 'lost'
    const apps: [string, AppFigures][] = [
      ['ours', f.ours],
      ['baseline', f.baseline],
      ...(f.floor ? [['floor', f.floor] as [string, AppFigures]] : []),
      ...(f.variants ?? []).map((v) => [v.name, v.figures] as [string, AppFigures]),
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
        cpu(app),
        units(app),
        usd(app.usdPerMillionRequests),
        app.lostRuns ? `${num(app.lost!, 0)}; ${app.lostRuns.join(', ')}` : '-',
      ])
    })
    const ratioRow = (label: string, r: Ratios) => ['', label, load ? times(r.reqPerSec) : '-', load ? times(r.p50Ms) : '-', load ? times(r.p99Ms) : '-', '', times(r.callsPerRequest), cpuRatio(r), '', times(r.usdPerMillion), '']
    rows.push(ratioRow('ours/baseline', f.ratios))
    if (f.floorRatios) rows.push(ratioRow('ours/floor', f.floorRatios))
    for (const v of f.variants ?? []) rows.push(ratioRow(`${v.name}/ours`, v.toOurs))
  }
  return textTable(header, rows)
}

export function targetsList(targets: readonly Target[]): string {
  const line = (t: Target) => `  [${t.met ? 'met' : 'NOT met'}] ${t.goal}: ${t.detail}`
  return [
    'Targets (issue 23):',
    ...targets.filter((t) => t.primary).map(line),
    'Also checked:',
    ...targets.filter((t) => !t.primary).map(line),
  ].join('\n')
}

const inSection = (measurements: readonly Measurement[], section: string) => measurements.filter((m) => m.tags?.section === section)
const apps = (runs: readonly Measurement[]) => [...new Set(runs.map((m) => m.app))]

/** Figures per value of `tag` and per app, in the order the runs were made. */
function byTag(runs: readonly Measurement[], tag: string) {
  const values = [...new Set(runs.map((m) => m.tags![tag]!))]
  return values.map((value) => ({
    value,
    apps: apps(runs).flatMap((app) => {
      const mine = runs.filter((m) => m.tags![tag] === value && m.app === app)
      return mine.length ? [{ app, figures: figuresOf(mine) }] : []
    }),
  }))
}

const loadCells = (f: AppFigures) => [num(f.reqPerSec, 0), ms(f.p50Ms), ms(f.p99Ms), cpu(f)]
const loadRatioCells = (r: Ratios) => [times(r.reqPerSec), times(r.p50Ms), times(r.p99Ms), cpuRatio(r)]

/** Counting visits by session size: capacity, price and latency, ours against the baseline. */
export function sizesTable(measurements: readonly Measurement[]): string | null {
  const runs = inSection(measurements, 'sizes')
  if (!runs.length) return null
  const header = ['session data', 'app', 'req/s', 'p50', 'p99', 'CPU ms/visit: app + DynamoDB Local', 'DynamoDB calls per visit', 'RCU + WCU per visit', '$ per 1M visits']
  const rows: string[][] = []
  for (const { value, apps: figures } of byTag(runs, 'sizeKb')) {
    figures.forEach(({ app, figures: f }, i) => {
      rows.push([i === 0 ? `${value} KB` : '', app, ...loadCells(f), `${num(f.callsPerRequestTotal)} (${opsText(f.callsPerRequest)})`, units(f), usd(f.usdPerMillionRequests)])
    })
    if (figures.length === 2) {
      const r = ratiosOf(figures[0]!.figures, figures[1]!.figures)
      rows.push(['', `${figures[0]!.app}/${figures[1]!.app}`, ...loadRatioCells(r), times(r.callsPerRequest), '', times(r.usdPerMillion)])
    }
  }
  return textTable(header, rows)
}

/** The same 100 sessions in a small and in a large table. */
export function tableSizeTable(measurements: readonly Measurement[]): string | null {
  const runs = inSection(measurements, 'table')
  if (!runs.length) return null
  const header = ['live sessions in the table', 'req/s (median; runs)', 'p50', 'p99', 'CPU ms/visit: app + DynamoDB Local', 'RCU + WCU per visit']
  const groups = byTag(runs, 'sessions')
  const rows = groups.map(({ value, apps: [only] }) => [
    String(value),
    `${num(only!.figures.reqPerSec, 0)}; ${only!.figures.reqPerSecRuns.map((r) => num(r, 0)).join(', ')}`,
    ms(only!.figures.p50Ms),
    ms(only!.figures.p99Ms),
    cpu(only!.figures),
    units(only!.figures),
  ])
  if (groups.length === 2) {
    const r = ratiosOf(groups[1]!.apps[0]!.figures, groups[0]!.apps[0]!.figures)
    rows.push([`${groups[1]!.value} / ${groups[0]!.value}`, times(r.reqPerSec), times(r.p50Ms), times(r.p99Ms), cpuRatio(r), ''])
  }
  const seeded = runs.find((m) => m.tags?.seedSeconds !== undefined)?.tags?.seedSeconds
  return `${textTable(header, rows)}${seeded === undefined ? '' : `\n(the large table's extra sessions were written with BatchWriteItem in ${seeded} s)`}`
}

/** Counting visits over 1, 16 and 64 connections. */
export function connectionsTable(measurements: readonly Measurement[]): string | null {
  const runs = inSection(measurements, 'connections')
  if (!runs.length) return null
  const header = ['connections', 'app', 'req/s', 'p50', 'p99', 'CPU ms/visit: app + DynamoDB Local']
  const rows: string[][] = []
  for (const { value, apps: figures } of byTag(runs, 'connections')) {
    figures.forEach(({ app, figures: f }, i) => rows.push([i === 0 ? String(value) : '', app, ...loadCells(f)]))
    const ours = figures.find((f) => f.app === 'ours')
    for (const other of figures.filter((f) => f.app !== 'ours')) {
      if (ours) rows.push(['', `ours/${other.app}`, ...loadRatioCells(ratiosOf(ours.figures, other.figures))])
    }
  }
  return textTable(header, rows)
}

/** Ours on workerd against ours on Node. */
export function workerTable(measurements: readonly Measurement[]): string | null {
  return pairTable(measurements, 'worker', 'runtime')
}

/** Ours without telemetry against ours with an OpenTelemetry SDK exporting. */
export function telemetryTable(measurements: readonly Measurement[]): string | null {
  return pairTable(measurements, 'telemetry', 'telemetry')
}

/** Two apps measured alternately in one section: their figures, then the second's ratio to the first. */
function pairTable(measurements: readonly Measurement[], section: string, column: string): string | null {
  const runs = inSection(measurements, section)
  if (!runs.length) return null
  const header = ['scenario', column, 'req/s (median; runs)', 'p50', 'p99', 'CPU ms/req: server process + DynamoDB Local', 'DynamoDB calls per request', 'RCU + WCU per request']
  const rows: string[][] = []
  for (const scenario of ['returning', 'new'] as const) {
    const mine = runs.filter((m) => m.scenario === scenario)
    const figures = apps(mine).map((app) => ({ app, figures: figuresOf(mine.filter((m) => m.app === app)) }))
    figures.forEach(({ app, figures: f }, i) =>
      rows.push([
        i === 0 ? `${scenario === 'new' ? 'new sessions' : 'returning visits'}` : '',
        app,
        `${num(f.reqPerSec, 0)}; ${f.reqPerSecRuns.map((r) => num(r, 0)).join(', ')}`,
        ms(f.p50Ms),
        ms(f.p99Ms),
        cpu(f),
        `${num(f.callsPerRequestTotal)} (${opsText(f.callsPerRequest)})`,
        units(f),
      ]),
    )
    if (figures.length === 2) {
      const r = ratiosOf(figures[1]!.figures, figures[0]!.figures)
      rows.push(['', `${figures[1]!.app}/${figures[0]!.app}`, times(r.reqPerSec), times(r.p50Ms), times(r.p99Ms), cpuRatio(r), times(r.callsPerRequest), ''])
    }
  }
  return textTable(header, rows)
}
