// npm run bench: this server (built, as users run it: node dist/server/main.js) against
// express-session + connect-dynamodb (the baseline) and against the floor (plain node:http,
// one UpdateItem per visit), side by side, on one DynamoDB Local started here, under the
// same loads, rotating the apps.
//
// Knobs (environment): BENCH_ROUNDS (default 3), BENCH_REQUESTS per load run (default 3000),
// BENCH_CONNECTIONS (default 16), BENCH_LATENCIES_MS (default "0,2": the delay the counting
// proxies add to every DynamoDB call, one measured condition each), BENCH_LATENCY_REQUESTS
// per load run under an added delay (default 1500), BENCH_BUILD (default 1; 0 skips
// `npm run build` and uses the dist/ that is there), BENCH_WARMUP_REQUESTS per warm-up pass (3000).
import { spawnSync } from 'node:child_process'
import { mkdir, writeFile } from 'node:fs/promises'
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os'
import { dirname } from 'node:path'
import { freePort, startDynamoDbLocal, type DynamoDbLocal } from '../scripts/dynamodb-local.js'
import { CHART_FILE, RESULTS_FILE, renderChart } from './chart.js'
import { startApp, startCountingProxy, type Child } from './processes.js'
import { checkTargets, PRICE, summarize, table } from './report.js'
import { lostUpdates, makeSessions, newSessions, returningSessions, type Measurement, type Target } from './scenarios.js'

const positive = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback)
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive whole number`)
  return value
}

function latencies(): number[] {
  const text = process.env.BENCH_LATENCIES_MS ?? '0,2'
  const values = text.split(',').map((part) => Number(part.trim()))
  if (!values.length || values.some((n) => !Number.isFinite(n) || n < 0)) {
    throw new Error('BENCH_LATENCIES_MS must be a comma-separated list of milliseconds, e.g. "0,2"')
  }
  return [...new Set(values)]
}

const settings = {
  rounds: positive('BENCH_ROUNDS', 3),
  requestsPerRun: positive('BENCH_REQUESTS', 3000),
  // Under an added delay a run is slower per request, and steadier: fewer requests suffice.
  requestsPerLatencyRun: positive('BENCH_LATENCY_REQUESTS', 1500),
  latenciesMs: latencies(),
  connections: positive('BENCH_CONNECTIONS', 16),
  sessions: 64,
  lostVisits: 200,
  lostInFlight: 50,
  warmupMinPasses: 3,
  warmupMaxPasses: 6,
  warmupRequests: positive('BENCH_WARMUP_REQUESTS', 3000),
}

const SECRET = 'benchmark-secret-0123456789-abcdefghijklmnopqrstuv'

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

async function main(): Promise<void> {
  const children: Child[] = []
  let dynamodb: DynamoDbLocal | undefined
  const stopAll = async () => {
    await Promise.all(children.map((c) => c.stop()))
    await dynamodb?.stop()
  }
  process.once('SIGINT', () => void stopAll().then(() => process.exit(130)))
  try {
    const host = machine()
    log(`machine: ${host.cpus} CPUs (${host.cpuModel}), ${host.ramGiB} GiB, node ${host.node}, ${host.java}`)
    if (process.env.BENCH_BUILD !== '0') {
      log('building the server (npm run build) ...')
      const build = spawnSync('npm', ['run', 'build'], { stdio: ['ignore', 'ignore', 'inherit'] })
      if (build.status !== 0) throw new Error('npm run build failed')
    }
    log('starting DynamoDB Local ...')
    dynamodb = await startDynamoDbLocal()

    const [oursProxy, baselineProxy, floorProxy] = await Promise.all([
      startCountingProxy(dynamodb.endpoint),
      startCountingProxy(dynamodb.endpoint),
      startCountingProxy(dynamodb.endpoint),
    ])
    children.push(oursProxy, baselineProxy, floorProxy)
    const shared = { SESSION_SECRET: SECRET, NODE_ENV: 'production' }
    const ours = await startApp(
      ['dist/server/main.js'],
      { ...shared, SESSION_STORE: 'dynamodb', DYNAMODB_ENDPOINT: oursProxy.url, SESSION_TABLE: 'bench-ours', LOG_LEVEL: 'silent' },
      await freePort(),
    )
    children.push(ours)
    const baseline = await startApp(
      ['--import', 'tsx', 'bench/baseline/server.ts'],
      { ...shared, DYNAMODB_ENDPOINT: baselineProxy.url, SESSION_TABLE: 'bench-baseline' },
      await freePort(),
    )
    children.push(baseline)
    const floor = await startApp(
      ['--import', 'tsx', 'bench/floor/server.ts'],
      { ...shared, DYNAMODB_ENDPOINT: floorProxy.url, SESSION_TABLE: 'bench-floor' },
      await freePort(),
    )
    children.push(floor)
    const targets: Target[] = [
      { name: 'ours', url: ours.url, proxy: oursProxy, appPid: ours.process.pid, dynamodbPid: dynamodb.process.pid },
      { name: 'baseline', url: baseline.url, proxy: baselineProxy, appPid: baseline.process.pid, dynamodbPid: dynamodb.process.pid },
      { name: 'floor', url: floor.url, proxy: floorProxy, appPid: floor.process.pid, dynamodbPid: dynamodb.process.pid },
    ]

    const cookies = new Map<string, string[]>()
    for (const target of targets) cookies.set(target.name, await makeSessions(target.url, settings.sessions))
    // Not measured: DynamoDB Local's JVM needs tens of thousands of calls before its cost
    // per call settles (it falls about tenfold), and each operation warms on its own. Both
    // apps keep warming, alternately, until DynamoDB Local's CPU per request levels off.
    const previous = new Map<string, number>()
    for (let pass = 1; pass <= settings.warmupMaxPasses; pass++) {
      let settled = pass >= settings.warmupMinPasses
      for (const target of targets) {
        const warmup = { round: 0, latencyMs: 0 }
        const run = await returningSessions(target, cookies.get(target.name)!, settings.warmupRequests, settings.connections, warmup)
        await newSessions(target, settings.warmupRequests / 3, settings.connections, warmup)
        const cpu = run.cpuMsPerRequest?.dynamodb
        const before = previous.get(target.name)
        if (cpu === undefined || before === undefined || Math.abs(cpu - before) > 0.1 * before) settled = false
        if (cpu !== undefined) previous.set(target.name, cpu)
        log(`warm-up ${pass}: ${target.name} ${run.reqPerSec.toFixed(0)} req/s, DynamoDB Local ${cpu?.toFixed(2) ?? '?'} ms CPU per request`)
      }
      if (settled) break
    }

    const measurements: Measurement[] = []
    const record = (m: Measurement) => {
      measurements.push(m)
      log(`  +${m.latencyMs}ms ${m.scenario.padEnd(9)} ${m.app.padEnd(8)} ${m.reqPerSec.toFixed(0).padStart(5)} req/s  p99 ${m.p99Ms} ms  non-2xx ${m.non2xx}  calls ${JSON.stringify(m.calls)}  units ${JSON.stringify(m.capacity.units)}  cpu/req ${JSON.stringify(m.cpuMsPerRequest)}${m.lost === undefined ? '' : `  lost ${m.lost}`}`)
    }
    for (const latencyMs of settings.latenciesMs) {
      // Both proxies get the same delay, so each app pays it once per DynamoDB call it makes.
      await Promise.all(targets.map((t) => t.proxy.setLatency(latencyMs)))
      const requests = latencyMs === 0 ? settings.requestsPerRun : settings.requestsPerLatencyRun
      for (let round = 1; round <= settings.rounds; round++) {
        // The order rotates every round (ABC, BCA, CAB), so drift in the machine hits every app alike.
        const shift = (round - 1) % targets.length
        const order = [...targets.slice(shift), ...targets.slice(0, shift)]
        const run = { round, latencyMs }
        log(`round ${round}/${settings.rounds}, +${latencyMs} ms per DynamoDB call: ${order.map((t) => t.name).join(', ')}`)
        for (const t of order) record(await returningSessions(t, cookies.get(t.name)!, requests, settings.connections, run))
        for (const t of order) record(await newSessions(t, requests, settings.connections, run))
        for (const t of order) record(await lostUpdates(t, settings.lostVisits, settings.lostInFlight, run))
      }
    }

    const figures = summarize(measurements, 'ours', 'baseline', 'floor')
    const checks = checkTargets(figures)
    const text = table(figures)
    const finished = { ...host, loadAverageAtEnd: loadavg().map((n) => Math.round(n * 100) / 100) }
    const delayed = settings.latenciesMs.filter((n) => n > 0)
    const perRun = [
      ...(settings.latenciesMs.includes(0) ? [`${settings.requestsPerRun} requests per run on loopback`] : []),
      ...(delayed.length ? [`${settings.requestsPerLatencyRun} with +${delayed.join('/')} ms per DynamoDB call`] : []),
    ]
    const subtitle =
      `${settings.rounds} rounds rotating the apps, medians; ${settings.connections} connections, ` +
      `${perRun.join(', ')}; DynamoDB Local; ${host.cpus} CPUs, node ${host.node}`

    console.log(`\nhono-dynamodb-session (ours, built) vs express-session + connect-dynamodb (baseline) vs node:http + one UpdateItem (floor)`)
    console.log(`${subtitle}\n`)
    console.log(text)
    console.log(
      `\nRCU + WCU: capacity units DynamoDB reported per request; $ per 1M requests: on-demand, ${PRICE.region}, ` +
        `$${PRICE.usdPerMillionWrites} per million write and $${PRICE.usdPerMillionReads} per million read request units (as of ${PRICE.asOf}).`,
    )
    console.log('\nTargets:')
    for (const c of checks) console.log(`  [${c.met ? 'met' : 'NOT met'}] ${c.goal}: ${c.detail}`)

    await mkdir(dirname(RESULTS_FILE), { recursive: true })
    const results = {
      generatedAt: new Date().toISOString(),
      command: 'npm run bench',
      machine: finished,
      settings,
      price: PRICE,
      subtitle,
      figures,
      targets: checks,
      table: text,
      measurements,
    }
    await writeFile(RESULTS_FILE, `${JSON.stringify(results, null, 2)}\n`)
    await writeFile(CHART_FILE, renderChart(figures, subtitle))
    console.log(`\nwrote ${RESULTS_FILE}\nwrote ${CHART_FILE}`)
  } finally {
    await stopAll()
  }
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
