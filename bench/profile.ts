// Profiles the built server (node dist/server/main.js) under one load, with node --cpu-prof,
// against a DynamoDB Local started here, and prints where the main thread's samples go:
// by owner (the nearest package, or our code, above each sample), by leaf, and the top functions.
//
//   npx tsx bench/profile.ts [returning|new] [requests, default 8000] [ours|floor]   (after npm run build)
//   npx tsx bench/profile.ts <folder with a .cpuprofile> [requests]      (summarize an earlier profile)
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import autocannon from 'autocannon'
import { freePort, startDynamoDbLocal } from '../scripts/dynamodb-local.js'
import { ROOT } from '../test/support/server-process.js'
import { makeSessions } from './scenarios.js'

const [first = 'returning', requestsText = '8000', app = 'ours'] = process.argv.slice(2)
const APPS: Record<string, string[]> = { ours: ['dist/server/main.js'], floor: ['--import', 'tsx', 'bench/floor/server.ts'] }
if (!APPS[app]) throw new Error(`the app is ours or floor, not ${app}`)
const requests = Number(requestsText)

if (first === 'returning' || first === 'new') {
  const dir = await profileRun(first)
  analyze(dir, requests)
  console.log(`profile: ${dir}`)
} else if (existsSync(first)) analyze(first, requests)
else throw new Error('usage: profile.ts [returning|new] [requests] | profile.ts <profile folder> [requests]')

async function profileRun(scenario: 'returning' | 'new'): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'session-profile-'))
  const dynamodb = await startDynamoDbLocal()
  const port = await freePort()
  const child = spawn(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, ...APPS[app]!], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      PORT: String(port),
      SESSION_STORE: 'dynamodb',
      DYNAMODB_ENDPOINT: dynamodb.endpoint,
      SESSION_TABLE: 'profile',
      LOG_LEVEL: 'silent',
      NODE_ENV: 'production',
      SESSION_SECRET: 'benchmark-secret-0123456789-abcdefghijklmnopqrstuv',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  })
  try {
    const url = `http://127.0.0.1:${port}`
    for (;;) {
      try {
        if ((await fetch(`${url}/healthz`)).ok) break
      } catch {}
      await new Promise((r) => setTimeout(r, 100))
    }
    const cookies = await makeSessions(url, 64)
    let next = 0
    const run = (amount: number) =>
      new Promise<autocannon.Result>((resolve, reject) =>
        autocannon(
          {
            url,
            connections: 16,
            amount,
            requests: [
              scenario === 'new'
                ? { method: 'GET', path: '/private' }
                : { method: 'GET', path: '/private', setupRequest: (q) => ({ ...q, headers: { ...q.headers, cookie: cookies[next++ % 64]! } }) },
            ],
          },
          (e, d) => (e ? reject(e) : resolve(d)),
        ),
      )
    const result = await run(requests)
    console.log(`${scenario}: ${result.requests.total} requests, non-2xx ${result.non2xx}`)
  } finally {
    child.kill('SIGTERM')
    await new Promise((r) => child.once('exit', r))
    await dynamodb.stop()
  }
  return dir
}

function analyze(dir: string, requestCount: number): void {
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'))!
  const profile = JSON.parse(readFileSync(`${dir}/${file}`, 'utf8')) as {
    nodes: { id: number; callFrame: { functionName: string; url: string }; children?: number[] }[]
    samples: number[]
    timeDeltas: number[]
  }
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const parent = new Map<number, number>()
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
  const cat = (u: string, fn: string): string | null => {
    if (fn === '(garbage collector)') return 'GC'
    if (fn === '(idle)') return 'idle'
    if (fn === '(program)') return '(program: native, unattributed)'
    if (/@smithy|@aws-sdk/.test(u)) return 'AWS SDK'
    if (/@hono\/node-server/.test(u)) return '@hono/node-server'
    if (/node_modules\/hono/.test(u)) return 'Hono'
    if (/pino/.test(u)) return 'pino'
    if (/\/dist\//.test(u)) return 'our code'
    if (/node_modules/.test(u)) return 'other packages'
    return null
  }
  const self = new Map<string, number>()
  const owner = new Map<string, number>()
  const fns = new Map<string, number>()
  const add = (m: Map<string, number>, k: string, dt: number) => m.set(k, (m.get(k) ?? 0) + dt)
  let total = 0
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0
    const f = byId.get(id)!.callFrame
    const c = cat(f.url, f.functionName)
    if (c === 'idle') return
    total += dt
    add(self, c ?? (f.url.startsWith('node:') ? `node: ${f.url.replace(/^node:internal\//, '').split('/')[0]}` : `native ${f.functionName || '(anon)'}`), dt)
    add(fns, `${f.functionName || '(anon)'} ${f.url.replace(/.*node_modules\//, '').replace(/.*\/dist\//, 'dist/')}`, dt)
    let cur: number | undefined = id
    let o: string | null = null
    while (cur !== undefined) {
      const cf = byId.get(cur)!.callFrame
      o = cat(cf.url, cf.functionName)
      if (o) break
      cur = parent.get(cur)
    }
    add(owner, o ?? 'Node internals (no package above)', dt)
  })
  const show = (m: Map<string, number>, k = 20) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, k)
      .map(([n, t]) => `  ${((100 * t) / total).toFixed(1).padStart(5)} %  ${n}`)
      .join('\n')
  console.log(`busy samples: ${(total / 1000).toFixed(0)} ms over ${requestCount} requests = ${(total / 1000 / requestCount).toFixed(3)} ms per request (main thread)`)
  console.log(`\nby owner (the nearest package or our code above the sample):\n${show(owner)}`)
  console.log(`\nby leaf (self time):\n${show(self)}`)
  console.log(`\ntop functions (self):\n${show(fns, 30)}`)
}
