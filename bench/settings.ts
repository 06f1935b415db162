// The benchmark's knobs, read once from the environment. Every run is bounded by a
// count of requests and by a time cap, so the whole of `npm run bench` takes minutes.
//
// BENCH_QUICK=1        a short run for development (about a minute and a half): one round, small counts
// BENCH_SECTIONS       which parts run, comma-separated (default all): targets,sizes,table,connections,worker,telemetry
// BENCH_ROUNDS         rounds of the targets section, rotating the apps (3; quick 1)
// BENCH_REQUESTS       requests per load run in the targets section (3000; quick 800)
// BENCH_CONNECTIONS    connections of the targets section (16)
// BENCH_LATENCIES_MS   delays the counting proxies add to each DynamoDB call, one condition each ("0")
// BENCH_LATENCY_REQUESTS  requests per load run under an added delay (1500)
// BENCH_WARMUP_REQUESTS   requests per warm-up pass and app (3000; quick 1500)
// BENCH_MAX_RUN_SECONDS   time cap of any one load run (20)
// BENCH_SIZES_KB       session data sizes of the size curve ("0.1,1,10,100")
// BENCH_TABLE_SESSIONS live sessions in the large table of the table-size section (100000; quick 10000)
// BENCH_VARIANTS       other builds of ours to run beside it in the targets section: "name=path/to/server/main.js,..."
//                      (a copy of dist/ kept inside the project, e.g. under .bench/, so it finds node_modules)
// BENCH_BUILD=0        skip `npm run build` and use the dist/ that is there
// BENCH_WRITE_DOCS=0   leave BENCHMARKS.md alone (results and chart are still written)

export type Section = 'targets' | 'sizes' | 'table' | 'connections' | 'worker' | 'telemetry'
export const SECTIONS: readonly Section[] = ['targets', 'sizes', 'table', 'connections', 'worker', 'telemetry']

export interface Variant {
  readonly name: string
  readonly main: string
}

const env = process.env
const quick = env.BENCH_QUICK === '1'

function whole(name: string, fallback: number, min = 1): number {
  const value = Number(env[name] ?? fallback)
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be a whole number, at least ${min}`)
  return value
}

function numbers(name: string, fallback: string, check: (n: number) => boolean): number[] {
  const values = (env[name] ?? fallback).split(',').map((part) => Number(part.trim()))
  if (!values.length || values.some((n) => !Number.isFinite(n) || !check(n))) throw new Error(`${name} must be a comma-separated list of numbers, e.g. "${fallback}"`)
  return [...new Set(values)]
}

function sections(): Set<Section> {
  const text = env.BENCH_SECTIONS
  if (!text) return new Set(SECTIONS)
  const chosen = text.split(',').map((s) => s.trim())
  const unknown = chosen.filter((s) => !SECTIONS.includes(s as Section))
  if (unknown.length) throw new Error(`BENCH_SECTIONS: unknown section ${unknown.join(', ')} (known: ${SECTIONS.join(', ')})`)
  return new Set(chosen as Section[])
}

function variants(): Variant[] {
  const text = env.BENCH_VARIANTS
  if (!text) return []
  return text.split(',').map((part) => {
    const [name, main] = part.split('=').map((s) => s.trim())
    if (!name || !main || ['ours', 'baseline', 'floor'].includes(name)) throw new Error('BENCH_VARIANTS must read "name=path/to/main.js,...", names other than ours, baseline, floor')
    return { name, main }
  })
}

export const settings = {
  quick,
  sections: sections(),
  build: env.BENCH_BUILD !== '0',
  writeDocs: env.BENCH_WRITE_DOCS !== '0',
  maxRunSeconds: whole('BENCH_MAX_RUN_SECONDS', 20),
  /** Sessions made before the returning-visit runs, visited round-robin. */
  sessions: 64,
  warmup: { minPasses: quick ? 1 : 3, maxPasses: quick ? 1 : 5, requests: whole('BENCH_WARMUP_REQUESTS', quick ? 1500 : 3000) },
  targets: {
    rounds: whole('BENCH_ROUNDS', quick ? 1 : 3),
    requests: whole('BENCH_REQUESTS', quick ? 800 : 3000),
    latencyRequests: whole('BENCH_LATENCY_REQUESTS', quick ? 400 : 1500),
    latenciesMs: numbers('BENCH_LATENCIES_MS', '0', (n) => n >= 0),
    connections: whole('BENCH_CONNECTIONS', 16),
    lostVisits: 200,
    lostInFlight: 50,
  },
  variants: variants(),
  sizes: {
    kb: numbers('BENCH_SIZES_KB', '0.1,1,10,100', (n) => n > 0 && n <= 120),
    sessions: 32,
    requests: quick ? 300 : 1000,
    connections: 16,
  },
  table: { small: 100, large: whole('BENCH_TABLE_SESSIONS', quick ? 10_000 : 100_000, 101), rounds: quick ? 1 : 2, requests: quick ? 500 : 2000, connections: 16 },
  connections: { counts: [1, 16, 64], requests: quick ? 400 : 1500 },
  worker: { rounds: quick ? 1 : 2, requests: quick ? 500 : 2000, connections: 16 },
  telemetry: { rounds: quick ? 1 : 3, requests: quick ? 500 : 2000, connections: 16 },
} as const

export type Settings = typeof settings

export const SECRET = 'benchmark-secret-0123456789-abcdefghijklmnopqrstuv'
