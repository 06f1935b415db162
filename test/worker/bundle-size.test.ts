import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bundleWorker, type WorkerBundle } from '../../scripts/worker-bundle.js'

/**
 * The budget, with about 10 % headroom over what the bundle weighs today (about
 * 770 KB minified, 200 KB gzipped, after telemetry and the schema's write checks; zod
 * and the AWS SDK are most of it). Cloudflare
 * refuses Workers above 3 MB gzipped on the free plan and 10 MB on paid plans; the
 * budget is far below that, to notice a dependency pulling in far more than it should.
 */
const BUDGET = { minifiedBytes: 850_000, gzippedBytes: 220_000 }

describe('the Worker bundle (esbuild, workerd/worker/browser conditions)', () => {
  let dir: string
  let bundle: WorkerBundle
  let code: string

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'worker-bundle-'))
    bundle = await bundleWorker(join(dir, 'worker.js'))
    code = await readFile(bundle.path, 'utf8')
  })
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  it(`stays within ${BUDGET.minifiedBytes / 1000} KB minified and ${BUDGET.gzippedBytes / 1000} KB gzipped`, () => {
    const gzipped = gzipSync(code).length
    console.info(`worker bundle: ${bundle.bytes} bytes minified, ${gzipped} gzipped; largest inputs:`, bundle.inputs.slice(0, 5))
    expect(bundle.bytes).toBe(Buffer.byteLength(code))
    expect(bundle.bytes).toBeLessThanOrEqual(BUDGET.minifiedBytes)
    expect(gzipped).toBeLessThanOrEqual(BUDGET.gzippedBytes)
  })

  it("holds the SDK's browser build: the fetch handler, no Node HTTP handler, no Node built-in, no pino", () => {
    const inputs = bundle.inputs.map(([path]) => path)
    expect(inputs.some((p) => p.includes('@smithy/fetch-http-handler'))).toBe(true)
    expect(inputs.some((p) => p.includes('@smithy/node-http-handler'))).toBe(false)
    expect(inputs.some((p) => /runtimeConfig\.browser\.js$/.test(p) && p.includes('client-dynamodb'))).toBe(true)
    expect(inputs.some((p) => /\/pino\//.test(p))).toBe(false)
    expect(code).not.toMatch(/\brequire\(|from\s*["']node:|import\(\s*["']node:/)
  })
})
