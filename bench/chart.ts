// Draws the benchmark figures as an SVG bar chart, by hand: small panels per
// DynamoDB latency condition, ours beside the baseline and the floor, each on its own scale.
// Standalone, it redraws the chart from the last results:  npx tsx bench/chart.ts
import { readFile, writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { figuresOf, type AppFigures, type ScenarioFigures } from './report.js'
import type { Measurement } from './scenarios.js'

export const RESULTS_FILE = fileURLToPath(new URL('./results/latest.json', import.meta.url))
export const CHART_FILE = fileURLToPath(new URL('./results/chart.svg', import.meta.url))

const COLORS = { ours: '#0f766e', baseline: '#9ca3af', floor: '#d6a24e' }
const PANEL = { width: 300, height: 230 }
const COLUMNS = 4
const TOP = 80

interface Panel {
  readonly title: string
  readonly better: 'higher' | 'lower'
  readonly ours: number
  readonly baseline: number
  readonly floor?: number | undefined
  readonly format: (n: number) => string
  /** A second line under each bar, e.g. which operations make up the calls. */
  readonly notes?: { ours: string; baseline: string; floor?: string | undefined }
}

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

const round = (n: number) => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2))

const opsNote = (app: AppFigures) =>
  Object.entries(app.callsPerRequest)
    .map(([op, n]) => `${Number(n.toFixed(2))} ${op}`)
    .join(' + ')

const shortCondition = (latencyMs: number) => (latencyMs === 0 ? 'loopback' : `+${latencyMs} ms/call`)

function panelsFor(figures: readonly ScenarioFigures[]): Panel[] {
  const latencies = [...new Set(figures.map((f) => f.latencyMs ?? 0))]
  return latencies.flatMap((latencyMs) => panelsUnder(figures.filter((f) => (f.latencyMs ?? 0) === latencyMs), shortCondition(latencyMs)))
}

function panelsUnder(figures: readonly ScenarioFigures[], when: string): Panel[] {
  const find = (s: string) => figures.find((f) => f.scenario === s)
  const panels: Panel[] = []
  const returning = find('returning')
  const fresh = find('new')
  const lost = find('lost')
  if (returning) {
    panels.push(
      { title: `Returning sessions: req/s (${when})`, better: 'higher', ours: returning.ours.reqPerSec, baseline: returning.baseline.reqPerSec, floor: returning.floor?.reqPerSec, format: (n) => n.toFixed(0) },
      {
        title: `Returning: app CPU ms per visit (${when})`,
        better: 'lower',
        ours: returning.ours.cpuMsPerRequest?.app ?? 0,
        baseline: returning.baseline.cpuMsPerRequest?.app ?? 0,
        floor: returning.floor?.cpuMsPerRequest?.app,
        format: (n) => n.toFixed(2),
      },
      { title: `Returning: p99 ms (${when})`, better: 'lower', ours: returning.ours.p99Ms, baseline: returning.baseline.p99Ms, floor: returning.floor?.p99Ms, format: round },
      {
        title: `Calls per returning visit (${when})`,
        better: 'lower',
        ours: returning.ours.callsPerRequestTotal,
        baseline: returning.baseline.callsPerRequestTotal,
        floor: returning.floor?.callsPerRequestTotal,
        format: (n) => n.toFixed(2),
        notes: { ours: opsNote(returning.ours), baseline: opsNote(returning.baseline), floor: returning.floor && opsNote(returning.floor) },
      },
      {
        title: `Returning: $ per million visits (${when})`,
        better: 'lower',
        ours: returning.ours.usdPerMillionRequests,
        baseline: returning.baseline.usdPerMillionRequests,
        floor: returning.floor?.usdPerMillionRequests,
        format: (n) => n.toFixed(3),
      },
    )
  }
  if (fresh) {
    panels.push(
      { title: `New sessions: req/s (${when})`, better: 'higher', ours: fresh.ours.reqPerSec, baseline: fresh.baseline.reqPerSec, floor: fresh.floor?.reqPerSec, format: (n) => n.toFixed(0) },
      { title: `New sessions: p99 ms (${when})`, better: 'lower', ours: fresh.ours.p99Ms, baseline: fresh.baseline.p99Ms, floor: fresh.floor?.p99Ms, format: round },
    )
  }
  if (lost) {
    panels.push({
      title: `Lost updates of 200 (${when})`,
      better: 'lower',
      ours: lost.ours.lost ?? 0,
      baseline: lost.baseline.lost ?? 0,
      floor: lost.floor?.lost,
      format: (n) => n.toFixed(0),
    })
  }
  return panels
}

/** The size curve: price and p99 of a counting visit by session size, ours against the baseline. */
function sizePanels(measurements: readonly Measurement[]): Panel[] {
  const runs = measurements.filter((m) => m.tags?.section === 'sizes')
  const sizes = [...new Set(runs.map((m) => Number(m.tags!.sizeKb)))]
  return sizes.flatMap((kb) => {
    const of = (app: string) => figuresOf(runs.filter((m) => m.tags!.sizeKb === kb && m.app === app))
    if (!runs.some((m) => m.tags!.sizeKb === kb && m.app === 'ours') || !runs.some((m) => m.tags!.sizeKb === kb && m.app === 'baseline')) return []
    const [ours, baseline] = [of('ours'), of('baseline')]
    const unitsNote = (f: AppFigures) => `${Number(f.unitsPerRequest.read.toFixed(1))} RCU + ${Number(f.unitsPerRequest.write.toFixed(1))} WCU`
    return [
      {
        title: `${kb} KB sessions: $ per 1M counting visits`,
        better: 'lower' as const,
        ours: ours.usdPerMillionRequests,
        baseline: baseline.usdPerMillionRequests,
        format: (n: number) => n.toFixed(3),
        notes: { ours: unitsNote(ours), baseline: unitsNote(baseline) },
      },
    ]
  })
}

function drawPanel(panel: Panel, x: number, y: number): string {
  const plot = { left: x + 40, bottom: y + PANEL.height - 46, height: PANEL.height - 100 }
  const max = Math.max(panel.ours, panel.baseline, panel.floor ?? 0) * 1.15 || 1
  const withFloor = panel.floor !== undefined
  const barWidth = withFloor ? 56 : 70
  const gap = withFloor ? 18 : 40
  const ratio = panel.baseline > 0 ? panel.ours / panel.baseline : Number.NaN
  const ahead = panel.better === 'higher' ? panel.ours > panel.baseline : panel.ours < panel.baseline
  const floorRatio = withFloor && panel.floor! > 0 ? ` · /floor ${(panel.ours / panel.floor!).toFixed(2)}x` : ''
  const ratioText =
    Number.isFinite(ratio) && ratio > 0
      ? `ours/baseline ${ratio.toFixed(2)}x${floorRatio}`
      : `ours ${panel.format(panel.ours)}, baseline ${panel.format(panel.baseline)}${withFloor ? `, floor ${panel.format(panel.floor!)}` : ''}`
  const parts = [
    `<text x="${x + PANEL.width / 2}" y="${y + 18}" text-anchor="middle" font-weight="600">${escape(panel.title)}</text>`,
    `<text x="${x + PANEL.width / 2}" y="${y + 36}" text-anchor="middle" font-size="11" fill="${ahead ? '#0f766e' : '#b91c1c'}">${escape(ratioText)} (${panel.better} is better)</text>`,
    `<line x1="${plot.left - 10}" y1="${plot.bottom}" x2="${x + PANEL.width - 30}" y2="${plot.bottom}" stroke="#374151"/>`,
  ]
  const bars = [
    { name: 'ours', value: panel.ours, color: COLORS.ours, note: panel.notes?.ours },
    { name: 'baseline', value: panel.baseline, color: COLORS.baseline, note: panel.notes?.baseline },
    ...(withFloor ? [{ name: 'floor', value: panel.floor!, color: COLORS.floor, note: panel.notes?.floor }] : []),
  ]
  bars.forEach((bar, i) => {
    const h = Math.max((bar.value / max) * plot.height, bar.value > 0 ? 1 : 0)
    const bx = plot.left + (withFloor ? 4 : 20) + i * (barWidth + gap)
    const cx = bx + barWidth / 2
    parts.push(
      `<rect x="${bx}" y="${(plot.bottom - h).toFixed(1)}" width="${barWidth}" height="${h.toFixed(1)}" fill="${bar.color}"><title>${bar.name}: ${escape(panel.format(bar.value))}</title></rect>`,
      `<text x="${cx}" y="${(plot.bottom - h - 6).toFixed(1)}" text-anchor="middle" font-weight="600">${escape(panel.format(bar.value))}</text>`,
      `<text x="${cx}" y="${plot.bottom + 16}" text-anchor="middle">${bar.name}</text>`,
    )
    if (bar.note) parts.push(`<text x="${cx}" y="${plot.bottom + 31}" text-anchor="middle" font-size="10" fill="#4b5563">${escape(bar.note)}</text>`)
  })
  return `<g>${parts.join('')}</g>`
}

/** The whole chart as an SVG document. */
export function renderChart(figures: readonly ScenarioFigures[], subtitle: string, measurements: readonly Measurement[] = []): string {
  const panels = [...panelsFor(figures), ...sizePanels(measurements)]
  const rows = Math.ceil(panels.length / COLUMNS)
  const width = COLUMNS * PANEL.width + 20
  const height = TOP + rows * PANEL.height + 10
  const body = panels.map((p, i) => drawPanel(p, 10 + (i % COLUMNS) * PANEL.width, TOP + Math.floor(i / COLUMNS) * PANEL.height))
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif" font-size="12" fill="#111827">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="20" y="26" font-size="16" font-weight="700">Sessions on DynamoDB: ours vs the Express baseline and the floor</text>`,
    // A long subtitle (several latency conditions) is squeezed to the width rather than cut off.
    `<text x="20" y="46" font-size="11" fill="#4b5563"${subtitle.length > 150 ? ` textLength="${width - 40}" lengthAdjust="spacingAndGlyphs"` : ''}>${escape(subtitle)}</text>`,
    `<rect x="20" y="56" width="12" height="12" fill="${COLORS.ours}"/><text x="38" y="66">ours: hono-dynamodb-session</text>`,
    `<rect x="230" y="56" width="12" height="12" fill="${COLORS.baseline}"/><text x="248" y="66">baseline: Express + express-session + connect-dynamodb</text>`,
    `<rect x="600" y="56" width="12" height="12" fill="${COLORS.floor}"/><text x="618" y="66">floor: node:http + one UpdateItem</text>`,
    ...body,
    '</svg>',
    '',
  ].join('\n')
}

const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]
if (isMain) {
  const results = JSON.parse(await readFile(RESULTS_FILE, 'utf8')) as { figures: ScenarioFigures[]; subtitle: string; measurements?: Measurement[] }
  await writeFile(CHART_FILE, renderChart(results.figures, results.subtitle, results.measurements))
  console.log(`wrote ${CHART_FILE}`)
}
