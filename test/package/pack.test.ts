import { execFile } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import { SECRET } from '../support/secrets.js'

const ROOT = resolve(import.meta.dirname, '../..')
const EXAMPLE = join(ROOT, 'examples/basic-app')
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc')
const run = promisify(execFile)

// npm run from `npm test` exports its own settings (npm_config_*, npm_package_*); the
// nested npm commands must act on the temporary app as a user's npm would, not inherit them.
const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_(config|package|lifecycle)_/i.test(k)))

async function sh(command: string, args: string[], cwd: string, timeoutMs: number) {
  try {
    return await run(command, args, { cwd, env: cleanEnv, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 })
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string }
    throw new Error(`${command} ${args.join(' ')} failed in ${cwd}:\n${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`)
  }
}

// Type-level checks compiled inside the example (kept out of this project's own tsc run).
const TYPE_CHECKS = readFileSync(join(import.meta.dirname, 'fixtures/type-checks.ts.txt'), 'utf8')

// Runs the built example in plain Node: two requests, the second with the first's cookie.
const SMOKE = `import { createExampleApp } from './dist/app.js'

const app = createExampleApp('${SECRET}')
const first = await app.request('/')
const cookie = (first.headers.get('set-cookie') ?? '').split(';')[0]
const second = await app.request('/', { headers: { cookie } })
const deep = await import('hono-dynamodb-session/dist/http/session-middleware.js').then(() => 'imported', (e) => e.code)
console.log(JSON.stringify({
  first: await first.text(),
  second: await second.text(),
  cookie,
  deep,
  resolved: import.meta.resolve('hono-dynamodb-session'),
}))
`

/** Packages only the demo server uses; a user's app must not get them from us. */
const DEMO_ONLY = ['pino', 'zod', '@hono/node-server', '@hono/otel']

interface Tree {
  version?: string
  dependencies?: Record<string, Tree>
}

/** Every installed copy of every package in an `npm ls --all --json` tree, with the chain of parents. */
function installed(tree: Tree, parents: string[] = []): Array<{ name: string; version?: string; parents: string[] }> {
  return Object.entries(tree.dependencies ?? {}).flatMap(([name, child]) => [
    { name, version: child.version, parents },
    ...installed(child, [...parents, name]),
  ])
}

describe('the npm package, installed into a fresh Hono app', () => {
  const work = mkdtempSync(join(tmpdir(), 'pack-test-'))
  afterAll(() => rmSync(work, { recursive: true, force: true }))

  it('packs the library alone, installs into a fresh app with one hono and no demo-server package, type-checks and counts 1, 2', async () => {
    // `npm pack` runs `prepack`, which builds dist/ exactly as a publish would.
    const packed = await sh('npm', ['pack', '--pack-destination', work, '--json'], ROOT, 150_000)
    const [info] = JSON.parse(packed.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>
    const paths = info!.files.map((f) => f.path)
    expect(paths).toEqual(expect.arrayContaining(['package.json', 'README.md', 'LICENSE', 'dist/index.js', 'dist/index.d.ts']))
    expect(paths.filter((p) => /^(test|examples|scripts|bench|node_modules|\.data|dist\/server|src\/server)\//.test(p))).toEqual([])

    // A fresh app: the example's app module, and a manifest naming only hono and the tarball.
    const app = join(work, 'app')
    mkdirSync(join(app, 'src'), { recursive: true })
    cpSync(join(EXAMPLE, 'src/app.ts'), join(app, 'src/app.ts'))
    cpSync(join(EXAMPLE, 'tsconfig.json'), join(app, 'tsconfig.json'))
    const example = JSON.parse(readFileSync(join(EXAMPLE, 'package.json'), 'utf8'))
    writeFileSync(
      join(app, 'package.json'),
      JSON.stringify({
        name: 'fresh-app',
        private: true,
        type: 'module',
        dependencies: { hono: example.dependencies.hono, 'hono-dynamodb-session': `file:${join(work, info!.filename)}` },
      }),
    )

    // Peer dependencies (hono, the AWS SDK) are installed by npm itself; dev tools come from this project.
    await sh('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], app, 150_000)
    const tree = JSON.parse((await sh('npm', ['ls', '--all', '--json'], app, 60_000)).stdout) as Tree
    const all = installed(tree)
    expect(all.filter((p) => DEMO_ONLY.includes(p.name))).toEqual([])
    // The SDK brings its own Node HTTP handler; nothing of ours asks for it.
    expect(all.filter((p) => p.name === '@smithy/node-http-handler' && !p.parents.some((n) => n.startsWith('@aws-sdk/')))).toEqual([])
    const honos = new Set(all.filter((p) => p.name === 'hono').map((p) => p.version))
    expect(honos.size).toBe(1)
    const manifest = JSON.parse(readFileSync(join(app, 'node_modules/hono-dynamodb-session/package.json'), 'utf8'))
    expect(manifest.dependencies ?? {}).toEqual({})
    expect(Object.keys(manifest.peerDependencies).sort()).toEqual(['@aws-sdk/client-dynamodb', '@aws-sdk/lib-dynamodb', '@opentelemetry/api', 'hono', 'vitest'])
    // OpenTelemetry and vitest (only for the contract suite, hono-dynamodb-session/testing) are optional peers:
    // npm leaves them out, and the app below type-checks and runs without them.
    expect(manifest.peerDependenciesMeta).toEqual({ '@opentelemetry/api': { optional: true }, vitest: { optional: true } })
    // (`npm ls` names a missing optional peer without a version; nothing of it is on disk.)
    expect(all.filter((p) => (p.name.startsWith('@opentelemetry/') || p.name === 'vitest') && p.version !== undefined)).toEqual([])
    expect(existsSync(join(app, 'node_modules/@opentelemetry'))).toBe(false)
    expect(existsSync(join(app, 'node_modules/vitest'))).toBe(false)

    writeFileSync(join(app, 'src/type-checks.ts'), TYPE_CHECKS)
    await sh(process.execPath, [TSC, '-p', '.', '--typeRoots', join(ROOT, 'node_modules/@types')], app, 120_000)
    // Each @ts-expect-error line must really be an error: without the directives the build fails on every one of them.
    writeFileSync(join(app, 'src/type-checks.ts'), TYPE_CHECKS.replaceAll('// @ts-expect-error', '// (expected error)'))
    const unchecked = await run(process.execPath, [TSC, '-p', '.', '--noEmit', '--typeRoots', join(ROOT, 'node_modules/@types')], {
      cwd: app,
      env: cleanEnv,
    }).then(
      () => '',
      (e: { stdout?: string }) => e.stdout ?? '',
    )
    const expected = TYPE_CHECKS.split('\n').filter((line) => /^\s*\/\/ @ts-expect-error/.test(line)).length
    expect(expected).toBeGreaterThanOrEqual(6)
    expect(unchecked.split('\n').filter((line) => line.includes('src/type-checks.ts(')).length).toBe(expected)
    writeFileSync(join(app, 'src/type-checks.ts'), TYPE_CHECKS)
    await sh(process.execPath, [TSC, '-p', '.', '--typeRoots', join(ROOT, 'node_modules/@types')], app, 120_000)

    writeFileSync(join(app, 'smoke.mjs'), SMOKE)
    const { stdout } = await sh(process.execPath, ['smoke.mjs'], app, 30_000)
    const result = JSON.parse(stdout.trim().split('\n').pop()!)
    // The package came from the installed tarball, not from this checkout.
    expect(realpathSync(new URL(result.resolved))).toBe(
      realpathSync(join(app, 'node_modules/hono-dynamodb-session/dist/index.js')),
    )
    expect(result.first).toBe('You have been here 1 times.')
    expect(result.cookie).toMatch(/^sid=[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}$/)
    expect(result.second).toBe('You have been here 2 times.')
    // `exports` keeps the internals private: only the entry point can be imported.
    expect(result.deep).toBe('ERR_PACKAGE_PATH_NOT_EXPORTED')
  }, 300_000)
})
