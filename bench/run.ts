// npm run bench: this server (built, as users run it: node dist/server/main.js) against
// express-session + connect-dynamodb (the baseline) and against the floor (plain node:http,
// one UpdateItem per visit), side by side, on one DynamoDB Local started here, under the
// same loads, rotating the apps; then the growth curves (session size, table size,
// connections) and ours on workerd against ours on Node. Prints the tables and the
// targets, writes bench/results/latest.json, bench/results/chart.svg and the recorded
// run in BENCHMARKS.md. Knobs: see bench/settings.ts (BENCH_QUICK=1 for a short run).
import { spawnSync } from 'node:child_process'
import { mkdir, writeFile } from 'node:fs/promises'
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os'
import { dirname } from 'node:path'
import { startDynamoDbLocal } from '../scripts/dynamodb-local.js'
import { Lineup } from './apps.js'
import { CHART_FILE, RESULTS_FILE, renderChart } from './chart.js'
import { connectionCurve, rotate, sizeCurve, tableSize, telemetryCost, workerAgainstNode } from './growth.js'
import { writeRecordedRun } from './markdown.js'
import { checkTargets, PRICE, summarize } from './report.js'
import { lostUpdates, makeSessions, newSessions, returningSessions, type Measurement, type Target } from './scenarios.js'
import { settings } from './settings.js'
import { connectionsTable, sizesTable, tableSizeTable, targetsList, targetsTable, telemetryTable, workerTable } from './tables.js'

function machine() {
  const java = spawnSync('java', ['-version'], { encoding: 'utf8' })
  return {
    cpus: availableParallelism(),
    cpuModel: cpus()[0]?.model ?? 'unknown',
    ramGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    java: (java.stderr || java.stdout || 'not found').split('\n')[0]!.trim(),
    platform: `${process.platform} ${process.arch}`,
    loadAverageAtStart: loadavg().map((n) => Math.round(n * 100) / 100),
  }
}

const log = (line: string) => process.stderr.write(`${line}\n`)
const round2 = (n: number) => Math.round(n * 100) / 100

/** Not measured: DynamoDB Local's JVM needs tens of thousands of calls before its cost per call settles, each operation on its own. */
async function warmUp(targets: readonly Target[], cookies: ReadonlyMap<string, string[]>): Promise<void> {
  const previous = new Map<string, number>()
  const { minPasses, maxPasses, requests } = settings.warmup
  for (let pass = 1; pass <= maxPasses; pass++) {
    let settled = pass >= minPasses
    for (const target of targets) {
      const warmup = { round: 0, latencyMs: 0 }
      const run = await returningSessions(target, cookies.get(target.name)!, requests, settings.targets.connections, warmup)
      await newSessions(target, requests / 3, settings.targets.connections, warmup)
      const cpu = run.cpuMsPerRequest?.dynamodb
      const before = previous.get(target.name)
      if (cpu === undefined || before === undefined || Math.abs(cpu - before) > 0.1 * before) settled = false
      if (cpu !== undefined) previous.set(target.name, cpu)
      log(`warm-up ${pass}: ${target.name} ${run.reqPerSec.toFixed(0)} req/s, DynamoDB Local ${cpu?.toFixed(2) ?? '?'} ms CPU per request`)
    }
    if (settled) break
  }
}

/** Returning visits, new sessions and lost updates, every app in turn, the order rotating each round. */
async function targetRounds(targets: readonly Target[], cookies: ReadonlyMap<string, string[]>, record: (m: Measurement) => void): Promise<void> {
  const t = settings.targets
  for (const latencyMs of t.latenciesMs) {
    // Every proxy gets the same delay, so each app pays it once per DynamoDB call it makes.
    await Promise.all(targets.map((target) => target.proxy.setLatency(latencyMs)))
    const requests = latencyMs === 0 ? t.requests : t.latencyRequests
    for (let round = 1; round <= t.rounds; round++) {
      const order = rotate(targets, round - 1)
      const run = { round, latencyMs, tags: { section: 'targets' } }
      log(`round ${round}/${t.rounds}, +${latencyMs} ms per DynamoDB call: ${order.map((x) => x.name).join(', ')}`)
      for (const x of order) record(await returningSessions(x, cookies.get(x.name)!, requests, t.connections, run))
      for (const x of order) record(await newSessions(x, requests, t.connections, run))
      for (const x of order) record(await lostUpdates(x, t.lostVisits, t.lostInFlight, run))
    }
  }
  await Promise.all(targets.map((target) => target.proxy.setLatency(0)))
}

async function main(): Promise<void> {
  const host = machine()
  const started = Date.now()
  log(`machine: ${host.cpus} CPUs (${host.cpuModel}), ${host.ramGiB} GiB, node ${host.node}, ${host.java}${settings.quick ? '; QUICK mode' : ''}`)
  if (settings.build) {
    log('building the server (npm run build) ...')
    const build = spawnSync('npm', ['run', 'build'], { stdio: ['ignore', 'ignore', 'inherit'] })
    if (build.status !== 0) throw new Error('npm run build failed')
  }
  log('starting DynamoDB Local and the apps ...')
  const lineup = new Lineup(await startDynamoDbLocal())
  process.once('SIGINT', () => void lineup.stop().then(() => process.exit(130)))
  const measurements: Measurement[] = []
  const record = (m: Measurement) => {
    measurements.push(m)
    const tags = m.tags ? Object.entries(m.tags).filter(([k]) => k !== 'section').map(([k, v]) => `${k}=${v}`).join(' ') : ''
    log(`  [${m.tags?.section ?? '-'}${tags ? ` ${tags}` : ''}] +${m.latencyMs}ms ${m.scenario.padEnd(9)} ${m.app.padEnd(8)} ${m.reqPerSec.toFixed(0).padStart(5)} req/s  p99 ${m.p99Ms} ms  non-2xx ${m.non2xx}  calls ${JSON.stringify(m.calls)}  units ${JSON.stringify(m.capacity.units)}  cpu/req ${JSON.stringify(m.cpuMsPerRequest)}${m.lost === undefined ? '' : `  lost ${m.lost}`}`)
  }
  try {
    const ours = await lineup.start('ours', 'ours', 'bench-ours')
    const baseline = await lineup.start('baseline', 'baseline', 'bench-baseline')
    const floor = await lineup.start('floor', 'floor', 'bench-floor')
    const variants: Target[] = []
    for (const v of settings.variants) variants.push(await lineup.start(v.name, 'ours', `bench-${v.name}`, v.main))
    const main = [ours, baseline, floor, ...variants]
    const cookies = new Map<string, string[]>()
    for (const target of main) cookies.set(target.name, await makeSessions(target.url, settings.sessions))
    await warmUp(main, cookies)

    const s = settings.sections
    if (s.has('targets')) await targetRounds(main, cookies, record)
    if (s.has('connections')) await connectionCurve(settings, [ours, baseline, floor], cookies, record)
    if (s.has('sizes')) await sizeCurve(settings, lineup, ours, baseline, record)
    if (s.has('table')) await tableSize(settings, lineup, record)
    if (s.has('worker')) await workerAgainstNode(settings, lineup, { ...ours, name: 'ours on Node' }, cookies.get('ours')!, record)
    if (s.has('telemetry')) await telemetryCost(settings, lineup, { ...ours, name: 'ours, no OTel' }, cookies.get('ours')!, record)

    const figures = summarize(measurements.filter((m) => m.tags?.section === 'targets'), 'ours', 'baseline', 'floor', variants.map((v) => v.name))
    const checks = checkTargets(figures)
    const finished = { ...host, loadAverageAtEnd: loadavg().map(round2), minutes: round2((Date.now() - started) / 60_000) }
    const t = settings.targets
    const delayed = t.latenciesMs.filter((n) => n > 0)
    const perRun = [
      ...(t.latenciesMs.includes(0) ? [`${t.requests} requests per run on loopback`] : []),
      ...(delayed.length ? [`${t.latencyRequests} with +${delayed.join('/')} ms per DynamoDB call`] : []),
    ]
    const subtitle = `${t.rounds} round${t.rounds > 1 ? 's' : ''} rotating the apps, medians; ${t.connections} connections, ${perRun.join(', ')}; DynamoDB Local; ${host.cpus} CPUs, node ${host.node}${settings.quick ? '; QUICK mode' : ''}`
    const price = `RCU + WCU: capacity units DynamoDB reported per request; $ per 1M requests: on-demand, ${PRICE.region}, $${PRICE.usdPerMillionWrites} per million write and $${PRICE.usdPerMillionReads} per million read request units (as of ${PRICE.asOf}).`
    const main1 = targetsTable(figures)
    const targetsText = [main1, '', price, '', targetsList(checks)].join('\n')
    const sections = [
      { title: 'Session size', intro: `Counting visits (GET /private) on ${settings.sizes.sessions} sessions holding each amount of data, ${settings.sizes.requests} visits over ${settings.sizes.connections} connections per app and size.`, table: sizesTable(measurements) },
      { title: 'Live sessions in the table', intro: `The same ${settings.table.small} sessions visited in a table that holds only them and in one that holds ${settings.table.large} live sessions (two processes of ours, alternating; ${settings.table.rounds} round(s) of ${settings.table.requests} visits over ${settings.table.connections} connections).`, table: tableSizeTable(measurements) },
      { title: 'Connections', intro: `Counting visits over 1, 16 and 64 connections, ${settings.connections.requests} per run, on the ${settings.sessions} sessions of each app.`, table: connectionsTable(measurements) },
      { title: 'Telemetry', intro: `Ours with no OpenTelemetry against ours with the Node SDK exporting every span and metric over OTLP/HTTP (JSON) to a local sink, ${settings.telemetry.rounds} round(s) of ${settings.telemetry.requests} requests over ${settings.telemetry.connections} connections, alternating.`, table: telemetryTable(measurements) },
      { title: 'Workers runtime (workerd) against Node', intro: `Ours under workerd (the Worker entry, its SDK client on fetch) and ours on Node, same DynamoDB Local, ${settings.worker.rounds} round(s) of ${settings.worker.requests} requests over ${settings.worker.connections} connections, alternating. The CPU is the whole server process's: workerd's, or node's.`, table: workerTable(measurements) },
    ].flatMap((x) => (x.table ? [{ ...x, table: x.table }] : []))

    console.log(`\nhono-dynamodb-session (ours, built) vs express-session + connect-dynamodb (baseline) vs node:http + one UpdateItem (floor)\n${subtitle}\n`)
    console.log(targetsText)
    for (const section of sections) console.log(`\n${section.title}: ${section.intro}\n${section.table}`)

    await mkdir(dirname(RESULTS_FILE), { recursive: true })
    const results = { generatedAt: new Date().toISOString(), command: 'npm run bench', machine: finished, settings: { ...settings, sections: [...settings.sections] }, price: PRICE, subtitle, figures, targets: checks, tables: { targets: main1, sections }, measurements }
    await writeFile(RESULTS_FILE, `${JSON.stringify(results, null, 2)}\n`)
    await writeFile(CHART_FILE, renderChart(figures, subtitle, measurements))
    console.log(`\nwrote ${RESULTS_FILE}\nwrote ${CHART_FILE}`)
    if (settings.writeDocs) {
      await writeRecordedRun({
        machine: `${host.cpus} vCPUs (\`nproc\` = ${host.cpus}, ${host.cpuModel}), ${host.ramGiB} GiB RAM, ${host.platform}, Node ${host.node}, ${host.java}; load average ${host.loadAverageAtStart.join(', ')} at the start`,
        when: `${results.generatedAt.slice(0, 10)}, in ${finished.minutes} minutes`,
        command: settings.quick ? 'BENCH_QUICK=1 npm run bench' : 'npm run bench',
        subtitle,
        targets: targetsText,
        sections,
      })
      console.log('wrote BENCHMARKS.md (the recorded run)')
    }
  } finally {
    await lineup.stop()
  }
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
