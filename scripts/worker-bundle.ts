// Bundles the Worker entry (src/server/worker.ts) into one ES module for workerd,
// as wrangler would: esbuild with the workerd/worker/browser export conditions, so
// the AWS SDK resolves to its browser build (fetch, Web Crypto) rather than Node's.
import { build } from 'esbuild'
import { fileURLToPath } from 'node:url'

export const WORKER_ENTRY = fileURLToPath(new URL('../src/server/worker.ts', import.meta.url))

export interface WorkerBundle {
  readonly path: string
  readonly bytes: number
  /** Input path → bytes it contributes to the output, largest first. */
  readonly inputs: ReadonlyArray<readonly [string, number]>
}

export async function bundleWorker(outfile: string): Promise<WorkerBundle> {
  const result = await build({
    entryPoints: [WORKER_ENTRY],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['browser', 'module', 'main'],
    target: 'es2022',
    minify: true,
    sourcemap: false,
    metafile: true,
    logLevel: 'silent',
  })
  const output = Object.values(result.metafile.outputs)[0]!
  const inputs = Object.entries(output.inputs)
    .map(([path, { bytesInOutput }]) => [path, bytesInOutput] as const)
    .sort((a, b) => b[1] - a[1])
  return { path: outfile, bytes: output.bytes, inputs }
}
