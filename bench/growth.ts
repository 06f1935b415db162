import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
// The growth curves: how a counting visit's cost and latency grow with the session's
// size, with the number of live sessions in the table, and with the connections in
// flight; and ours on workerd beside ours on Node. Each section records its runs with
// a `section` tag, side by side in one run, the apps' order alternating.
import type { Lineup } from './apps.js'
import { makeSessions, newSessions, returningSessions, type Measurement, type Target } from './scenarios.js'
import { baselineSessionsOfSize, fillTable, oursSessionsOfSize } from './seed.js'
import type { Settings } from './settings.js'

export type Record = (m: Measurement) => void
const log = (line: string) => process.stderr.write(`${line}\n`)

/** `items` rotated by `by` places: the order apps run in changes from round to round. */
export const rotate = <T>(items: readonly T[], by: number): T[] => {
  const shift = by % items.length
  return [...items.slice(shift), ...items.slice(0, shift)]
}

/** Unrecorded visits that bring a fresh process's JIT (and its connections) up to speed. */
async function warm(target: Target, cookies: readonly string[], requests: number): Promise<void> {
  await returningSessions(target, cookies, requests, 16, { round: 0, latencyMs: 0 })
}

/** Counting visits on sessions of each size, ours and the baseline; same session count, same connections. */
export async function sizeCurve(s: Settings, lineup: Lineup, ours: Target, baseline: Target, record: Record): Promise<void> {
  for (const [i, kb] of s.sizes.kb.entries()) {
    const bytes = kb * 1024
    const cookies = new Map([
      [ours.name, await oursSessionsOfSize(ours.url, lineup.dynamodb.endpoint, 'bench-ours', bytes, s.sizes.sessions)],
      [baseline.name, await baselineSessionsOfSize(baseline.url, bytes, s.sizes.sessions)],
    ])
    for (const target of rotate([ours, baseline], i)) {
      const run = await returningSessions(target, cookies.get(target.name)!, s.sizes.requests, s.sizes.connections, {
        round: 1,
        latencyMs: 0,
        tags: { section: 'sizes', sizeKb: kb },
      })
      record(run)
    }
  }
}

/**
 * The same 100 sessions visited in a table that holds only them, and in one that holds
 * `large` live sessions in all: two processes of ours, each with its own table, alternating.
 */
export async function tableSize(s: Settings, lineup: Lineup, record: Record): Promise<void> {
  const small = await lineup.start(`ours, ${s.table.small} sessions`, 'ours', 'bench-table-small')
  const large = await lineup.start(`ours, ${s.table.large} sessions`, 'ours', 'bench-table-large')
  const cookies = new Map([
    [small.name, await makeSessions(small.url, s.table.small)],
    [large.name, await makeSessions(large.url, s.table.small)],
  ])
  const seconds = await fillTable(lineup.dynamodb.endpoint, 'bench-table-large', s.table.large - s.table.small)
  log(`table: ${s.table.large - s.table.small} live sessions written with BatchWriteItem in ${seconds.toFixed(1)} s`)
  const sessions = new Map([
    [small.name, s.table.small],
    [large.name, s.table.large],
  ])
  for (const target of [small, large]) await warm(target, cookies.get(target.name)!, s.table.requests / 2)
  for (let round = 1; round <= s.table.rounds; round++) {
    for (const target of rotate([small, large], round - 1)) {
      record(
        await returningSessions(target, cookies.get(target.name)!, s.table.requests, s.table.connections, {
          round,
          latencyMs: 0,
          tags: { section: 'table', sessions: sessions.get(target.name)!, seedSeconds: Math.round(seconds * 10) / 10 },
        }),
      )
    }
  }
}

/** Counting visits over 1, 16 and 64 connections, every app in turn. */
export async function connectionCurve(s: Settings, targets: readonly Target[], cookies: ReadonlyMap<string, string[]>, record: Record): Promise<void> {
  for (const [i, connections] of s.connections.counts.entries()) {
    for (const target of rotate(targets, i)) {
      record(
        await returningSessions(target, cookies.get(target.name)!, s.connections.requests, connections, {
          round: 1,
          latencyMs: 0,
          tags: { section: 'connections', connections },
        }),
      )
    }
  }
}

/** Ours under workerd (the Worker entry, fetch-based SDK client) against ours on Node, on the same DynamoDB Local. */
/**
 * The cost of telemetry: ours as usual (no OpenTelemetry) against ours with the Node SDK
 * exporting spans and metrics over OTLP/HTTP (JSON) to a sink in this process, alternating.
 */
export async function telemetryCost(s: Settings, lineup: Lineup, plain: Target, plainCookies: readonly string[], record: Record): Promise<void> {
  const sink = createServer((request, response) => {
    request.resume()
    request.on('end', () => response.writeHead(200, { 'content-type': 'application/json' }).end('{}'))
  })
  await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve))
  try {
    const endpoint = `http://127.0.0.1:${(sink.address() as AddressInfo).port}`
    const traced = await lineup.start('ours, OTel exporting', 'ours', 'bench-otel', undefined, {
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_SERVICE_NAME: 'bench',
      OTEL_METRIC_EXPORT_INTERVAL: '1000',
    })
    const cookies = new Map([
      [plain.name, [...plainCookies]],
      [traced.name, await makeSessions(traced.url, s.sessions)],
    ])
    await warm(traced, cookies.get(traced.name)!, s.telemetry.requests)
    for (let round = 1; round <= s.telemetry.rounds; round++) {
      const order = rotate([plain, traced], round - 1)
      const label = { round, latencyMs: 0, tags: { section: 'telemetry' } }
      for (const t of order) record(await returningSessions(t, cookies.get(t.name)!, s.telemetry.requests, s.telemetry.connections, label))
      for (const t of order) record(await newSessions(t, s.telemetry.requests, s.telemetry.connections, label))
    }
  } finally {
    await new Promise((resolve) => sink.close(resolve))
  }
}

export async function workerAgainstNode(s: Settings, lineup: Lineup, node: Target, nodeCookies: readonly string[], record: Record): Promise<void> {
  const worker = await lineup.start('ours on workerd', 'worker', 'bench-worker')
  const cookies = new Map([
    [node.name, [...nodeCookies]],
    [worker.name, await makeSessions(worker.url, s.sessions)],
  ])
  await warm(worker, cookies.get(worker.name)!, s.worker.requests)
  await newSessions(worker, s.worker.requests / 4, 16, { round: 0, latencyMs: 0 })
  for (let round = 1; round <= s.worker.rounds; round++) {
    const order = rotate([node, worker], round - 1)
    const label = { round, latencyMs: 0, tags: { section: 'worker' } }
    for (const t of order) record(await returningSessions(t, cookies.get(t.name)!, s.worker.requests, s.worker.connections, label))
    for (const t of order) record(await newSessions(t, s.worker.requests, s.worker.connections, label))
  }
}
