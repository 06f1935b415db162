import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { build, type Plugin } from 'esbuild'
import { afterAll, describe, expect, it } from 'vitest'

// `@opentelemetry/api` is an optional peer: the library must build, bundle and run
// where it is not installed, on Node and for Workers, and bundle it in when the
// application uses it.

const ROOT = resolve(import.meta.dirname, '../..')
const LIBRARY = JSON.stringify(join(ROOT, 'src/index.ts'))
const run = promisify(execFile)

/** Makes every `@opentelemetry/*` import fail to resolve, as it would where the package is not installed. */
const absent: Plugin = {
  name: 'opentelemetry-absent',
  setup(b) {
    b.onResolve({ filter: /^@opentelemetry\// }, (args) => ({ errors: [{ text: `${args.path} is not installed` }] }))
  },
}

const WITHOUT = `
import { Hono } from 'hono'
import { MemorySessionRepository, sessionMiddleware } from ${LIBRARY}
const app = new Hono()
app.use(sessionMiddleware({ repository: new MemorySessionRepository(), secret: 'optional-peer-test-secret-0123456789abc' }))
app.get('/', async (c) => c.text(String(await c.var.session.increment('n'))))
;(async () => {
  const first = await app.request('/')
  const cookie = first.headers.get('set-cookie').split(';')[0]
  const second = await app.request('/', { headers: { cookie } })
  console.log(JSON.stringify({ first: await first.text(), second: await second.text() }))
})()
`

const WITH = `
import * as otel from '@opentelemetry/api'
import { MemorySessionRepository, instrumentRepository, sessionTelemetry } from ${LIBRARY}
export const repository = instrumentRepository(new MemorySessionRepository(), sessionTelemetry(otel))
`

/** The Worker bundle's settings (scripts/worker-bundle.ts), for an entry given as text. */
const workerBuild = (contents: string, plugins: Plugin[] = []) =>
  build({
    stdin: { contents, resolveDir: ROOT, loader: 'ts' },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['browser', 'module', 'main'],
    target: 'es2022',
    metafile: true,
    logLevel: 'silent',
    plugins,
  })

const inputsOf = (result: Awaited<ReturnType<typeof build>>) => Object.keys(result.metafile!.inputs)

describe('@opentelemetry/api, an optional peer', () => {
  const work = mkdtempSync(join(tmpdir(), 'otel-absent-'))
  afterAll(() => rmSync(work, { recursive: true, force: true }))

  it('absent: the library bundles without it and serves sessions from a folder where no package can be found', async () => {
    const outfile = join(work, 'app.cjs')
    const result = await build({
      stdin: { contents: WITHOUT, resolveDir: ROOT, loader: 'ts' },
      bundle: true,
      outfile,
      format: 'cjs',
      platform: 'node',
      target: 'node20',
      metafile: true,
      logLevel: 'silent',
      plugins: [absent],
    })
    expect(inputsOf(result).filter((path) => path.includes('@opentelemetry'))).toEqual([])
    // Outside the project: had the bundle kept any import of the API, it would fail here.
    const { stdout } = await run(process.execPath, [outfile], { cwd: work, env: { PATH: process.env.PATH ?? '' } })
    expect(JSON.parse(stdout)).toEqual({ first: '1', second: '2' })
  })

  it('absent: the Worker bundle builds without it', async () => {
    const result = await workerBuild(WITHOUT, [absent])
    expect(inputsOf(result).filter((path) => path.includes('@opentelemetry'))).toEqual([])
    expect(inputsOf(result).some((path) => path.endsWith('src/http/session-middleware.ts'))).toBe(true)
  })

  it('present: an application that passes the API in gets it bundled for Workers, the one copy its SDK registers with', async () => {
    const result = await workerBuild(WITH)
    const api = inputsOf(result).filter((path) => path.includes('node_modules/@opentelemetry/'))
    expect(api.length).toBeGreaterThan(0)
    expect(api.every((path) => path.includes('node_modules/@opentelemetry/api/'))).toBe(true)
    // And the same entry cannot build once the package is gone: the check above is not vacuous.
    await expect(workerBuild(WITH, [absent])).rejects.toThrow(/@opentelemetry\/api is not installed/)
  })
})
