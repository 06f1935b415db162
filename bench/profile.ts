// Profiles the built server under returning visits: node --cpu-prof, then a summary.
import { spawn } from 'node:child_process'
import { readdirSync, readFileSync, rmSync, mkdirSync } from 'node:fs'
import autocannon from 'autocannon'
const [first, requests = '6000', table = 'prof', extra = ''] = process.argv.slice(2)
if (!first) throw new Error('usage: profile.ts <DynamoDB endpoint> [requests] [table] [node flags] | profile.ts <profile dir>')
if (first.startsWith('http')) {
  const dir = await profileRun(first)
  analyze(dir, Number(requests))
  console.log(dir)
} else analyze(first, Number(requests))

async function profileRun(endpoint: string): Promise<string> {
  const dir = `/tmp/bw/prof-${Date.now()}`
  mkdirSync(dir, { recursive: true })
  const port = 4000 + Math.floor(Math.random() * 1000)
  const child = spawn(process.execPath, [...(extra ? extra.split(' ') : []), '--cpu-prof', `--cpu-prof-dir=${dir}`, 'dist/server/main.js'], {
    cwd: '/work/wt-bench',
    env: { ...process.env, PORT: String(port), SESSION_STORE: 'dynamodb', DYNAMODB_ENDPOINT: endpoint, SESSION_TABLE: table, LOG_LEVEL: 'silent', NODE_ENV: 'production', SESSION_SECRET: 'benchmark-secret-0123456789-abcdefghijklmnopqrstuv' },
    stdio: ['ignore', 'inherit', 'inherit'],
  })
  const url = `http://127.0.0.1:${port}`
  for (;;) { try { if ((await fetch(`${url}/healthz`)).ok) break } catch {} await new Promise((r) => setTimeout(r, 100)) }
  const cookies: string[] = []
  for (let i = 0; i < 64; i++) { const r = await fetch(`${url}/private`); await r.text(); cookies.push(r.headers.getSetCookie()[0]!.split(';')[0]!) }
  let next = 0
  const run = (amount: number) => new Promise<autocannon.Result>((resolve, reject) => autocannon({ url, connections: 16, amount, requests: [{ method: 'GET', path: '/private', setupRequest: (q) => ({ ...q, headers: { ...q.headers, cookie: cookies[next++ % 64]! } }) }] }, (e, d) => (e ? reject(e) : resolve(d))))
  const result = await run(Number(requests))
  console.log(`req/s ~${(result.requests.total / result.duration).toFixed(0)} non2xx ${result.non2xx}`)
  child.kill('SIGTERM')
  await new Promise((r) => child.once('exit', r))
  return dir
}

function analyze(dir: string, requestCount: number): void {
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'))!
  const profile = JSON.parse(readFileSync(`${dir}/${file}`, 'utf8')) as { nodes: { id: number; callFrame: { functionName: string; url: string }; children?: number[] }[]; samples: number[]; timeDeltas: number[] }
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
  const self = new Map<string, number>(); const owner = new Map<string, number>(); const fns = new Map<string, number>()
  let total = 0
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0
    const n = byId.get(id)!; const f = n.callFrame
    const c = cat(f.url, f.functionName)
    if (c === 'idle') return
    total += dt
    const leaf = c ?? (f.url.startsWith('node:') ? `node: ${f.url.replace(/^node:internal\//, '').split('/')[0]}` : `native ${f.functionName || '(anon)'}`)
    self.set(leaf, (self.get(leaf) ?? 0) + dt)
    fns.set(`${f.functionName || '(anon)'} ${f.url.replace(/.*node_modules\//, '')}`, (fns.get(`${f.functionName || '(anon)'} ${f.url.replace(/.*node_modules\//, '')}`) ?? 0) + dt)
    let cur: number | undefined = id; let o: string | null = null
    while (cur !== undefined) { const cf = byId.get(cur)!.callFrame; o = cat(cf.url, cf.functionName); if (o) break; cur = parent.get(cur) }
    o ??= 'Node internals (no package above)'
    owner.set(o, (owner.get(o) ?? 0) + dt)
  })
  const show = (m: Map<string, number>, k = 20) => [...m].sort((a, b) => b[1] - a[1]).slice(0, k).map(([n, t]) => `  ${((100 * t) / total).toFixed(1).padStart(5)} %  ${n}`).join('\n')
  console.log(`busy samples: ${(total / 1000).toFixed(0)} ms over ${requestCount} requests = ${(total / 1000 / requestCount).toFixed(3)} ms per request (main thread)`)
  console.log(`\nby owner (the nearest package or our code above the sample):\n${show(owner)}`)
  console.log(`\nby leaf (self time):\n${show(self)}`)
  console.log(`\ntop functions (self):\n${show(fns, 25)}`)
}
