import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { packedTarball, ROOT, sh } from '../examples/support/example-install.js'

// Issue 21 "done when": the packed tarball installed into a fresh app outside this
// repository (test/adoption/fresh-app, copied to a temporary folder), which uses the
// package only through its public entries: it type-checks against the packed
// declarations, and its own vitest suite exercises the features on the memory store
// and on DynamoDB Local, and runs the contract suite from `hono-dynamodb-session/testing`
// against a store it implements itself (src/tenant-store.ts). One pack, one install.

const ours = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> }
/** The app's dependencies, at the versions this repository installs (so npm finds them in its cache). */
const pinned = (names: string[]) => Object.fromEntries(names.map((name) => [name, ours.devDependencies[name]!]))

interface VitestReport {
  numTotalTests: number
  numPassedTests: number
  numFailedTests: number
  numPendingTests: number
  testResults: Array<{ name: string; assertionResults: Array<{ fullName: string; status: string; failureMessages: string[] }> }>
}

describe('a fresh app outside the repository, with the packed package installed', () => {
  const work = mkdtempSync(join(tmpdir(), 'fresh-app-'))
  const app = join(work, 'app')
  afterAll(() => rmSync(work, { recursive: true, force: true }))

  beforeAll(async () => {
    const tarball = await packedTarball()
    cpSync(join(import.meta.dirname, 'fresh-app'), app, { recursive: true })
    writeFileSync(
      join(app, 'package.json'),
      JSON.stringify(
        {
          name: 'fresh-app',
          private: true,
          type: 'module',
          dependencies: { 'hono-dynamodb-session': `file:${tarball}`, ...pinned(['hono', 'zod', '@aws-sdk/client-dynamodb', '@aws-sdk/lib-dynamodb']) },
          devDependencies: pinned(['vitest']),
        },
        null,
        2,
      ),
    )
    await sh('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], app, 240_000)
  }, 420_000)

  it('type-checks against the packed declarations: the schema types the session, values are JSON, the store implements the port', async () => {
    const tsc = join(ROOT, 'node_modules/typescript/bin/tsc')
    await sh(process.execPath, [tsc, '-p', '.', '--typeRoots', join(ROOT, 'node_modules/@types')], app, 180_000)
  }, 200_000)

  it('passes its own tests on both stores, and the contract suite against the store it wrote', async () => {
    const report = join(app, 'report.json')
    const vitest = join(app, 'node_modules/vitest/vitest.mjs')
    const env = { DYNAMODB_ENDPOINT: inject('dynamodbEndpoint') }
    // A failing test makes vitest exit non-zero; the report says which one.
    const outcome = await sh(process.execPath, [vitest, 'run', '--reporter=json', `--outputFile=${report}`, '--maxWorkers=2'], app, 240_000, env).then(
      () => null,
      (error: Error) => error,
    )
    if (!existsSync(report)) throw outcome ?? new Error('vitest wrote no report')
    const result = JSON.parse(readFileSync(report, 'utf8')) as VitestReport
    const tests = result.testResults.flatMap((file) => file.assertionResults)
    const failed = tests.filter((t) => t.status !== 'passed').map((t) => `${t.fullName}: ${t.status} ${t.failureMessages.join('\n').slice(0, 600)}`)
    expect(failed).toEqual([])
    expect(result.numPendingTests).toBe(0)
    const names = tests.map((t) => t.fullName)
    const ran = (pattern: RegExp) => names.filter((name) => pattern.test(name)).length
    // Every item on both stores, and the whole contract (some forty tests) against the app's own store.
    expect(ran(/^on memory /)).toBeGreaterThanOrEqual(6)
    expect(ran(/^on DynamoDB /)).toBeGreaterThanOrEqual(6)
    expect(ran(/TenantStore over MemorySessionRepository/)).toBeGreaterThanOrEqual(40)
    expect(ran(/update, flash and cookie choice: TenantStore/)).toBeGreaterThanOrEqual(5)
    expect(ran(/identity lifecycle contract: TenantStore/)).toBeGreaterThanOrEqual(5)
    expect(ran(/the session cookie/)).toBe(3)
    expect(ran(/errors answer for themselves|the installed package/)).toBe(4)
  }, 300_000)
})
