import { build } from 'esbuild'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort } from '../../scripts/dynamodb-local.js'
import { workerdConfig } from '../../scripts/workerd-config.js'
import { endpoint, freshTable } from '../support/dynamodb.js'
import { SECRET } from '../support/secrets.js'
import { spawnAndWaitForHealth, type ServerProcess } from '../support/server-process.js'
import { buildExample, cookieOf, installExample, ROOT } from './support/example-install.js'

/** The few wrangler.toml settings the test serves the Worker with: entry, compatibility date and [vars]. */
function readWranglerToml(text: string) {
  const top = text.split(/^\[/m)[0]!
  const setting = (name: string, from: string) => new RegExp(`^${name}\\s*=\\s*"([^"]*)"`, 'm').exec(from)?.[1]
  const varsSection = /^\[vars\]\s*\n([\s\S]*?)(?=^\[|(?![\s\S]))/m.exec(text)?.[1] ?? ''
  const vars = Object.fromEntries([...varsSection.matchAll(/^([A-Z_][A-Z0-9_]*)\s*=\s*"([^"]*)"/gm)].map((m) => [m[1]!, m[2]!]))
  return { main: setting('main', top), compatibilityDate: setting('compatibility_date', top), vars }
}

describe('examples/worker, installed from the packed tarball, served by workerd', () => {
  const work = mkdtempSync(join(tmpdir(), 'example-worker-'))
  let table: Awaited<ReturnType<typeof freshTable>> | null = null
  let worker: ServerProcess | null = null

  beforeAll(async () => {
    const { dir } = await installExample('worker', work)
    await buildExample(dir) // tsc --noEmit with the Worker's own tsconfig
    const toml = readWranglerToml(readFileSync(join(dir, 'wrangler.toml'), 'utf8'))
    expect(toml.main).toBe('src/worker.ts')
    expect(toml.compatibilityDate).toMatch(/^\d{4}-\d{2}-\d{2}$/)

    // Bundled as wrangler bundles: one ES module, with the export conditions that pick the
    // AWS SDK's fetch-based browser build.
    await build({
      entryPoints: [join(dir, toml.main!)],
      outfile: join(dir, 'dist/worker.js'),
      bundle: true,
      format: 'esm',
      platform: 'browser',
      conditions: ['workerd', 'worker', 'browser'],
      mainFields: ['browser', 'module', 'main'],
      target: 'es2022',
      logLevel: 'silent',
    })

    table = await freshTable('example-worker')
    const secrets = {
      SESSION_SECRET: SECRET,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      DYNAMODB_ENDPOINT: endpoint(),
    }
    const bindings = { ...toml.vars, SESSION_TABLE: table.tableName, ...secrets }
    const port = await freePort()
    const config = join(dir, 'dist/workerd.capnp')
    writeFileSync(
      config,
      workerdConfig({
        module: 'worker.js',
        address: `127.0.0.1:${port}`,
        bindings: Object.keys(bindings),
        allowLocalNetwork: true,
        compatibilityDate: toml.compatibilityDate!,
      }),
    )
    worker = await spawnAndWaitForHealth(join(ROOT, 'node_modules/.bin/workerd'), ['serve', config], bindings, port, {
      name: 'workerd (examples/worker)',
      timeoutMs: 60_000,
      pollMs: 100,
    })
  }, 400_000)

  afterAll(async () => {
    await worker?.stop()
    await table?.drop()
    rmSync(work, { recursive: true, force: true })
  })

  it('counts visits per browser in DynamoDB, logs in with a new id and logs out', async () => {
    let cookie: string | null = null
    const send = async (method: string, path: string, body?: unknown) => {
      const headers: Record<string, string> = cookie ? { cookie } : {}
      if (body !== undefined) headers['content-type'] = 'application/json'
      const response = await fetch(`${worker!.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
      const lines = response.headers.getSetCookie()
      const next = cookieOf(lines, 'sid')
      if (next) cookie = next.endsWith('=') ? null : next
      const text = await response.text()
      return { status: response.status, body: text.startsWith('{') ? JSON.parse(text) : text, lines }
    }

    const first = await send('GET', '/')
    expect(first).toMatchObject({ status: 200, body: { user: null, visits: 1 } })
    expect(first.lines[0]).toMatch(/^sid=[\w-]{43}\.[\w-]{43};/)
    expect(first.lines[0]).toMatch(/; HttpOnly/)
    expect(first.lines[0]).not.toMatch(/Secure/) // plain http on loopback
    expect((await send('GET', '/')).body).toEqual({ user: null, visits: 2 })
    const anonymous = cookie

    expect((await send('POST', '/login', { user: 'ada' })).status).toBe(200)
    expect(cookie).not.toBe(anonymous)
    expect((await send('GET', '/')).body).toEqual({ user: 'ada', visits: 3 })

    // The count is in the table, not in the isolate: exactly one live session item with it.
    const items = await table!.scan()
    expect(items.filter((item) => item.data?.M?.visits?.N === '3')).toHaveLength(1)

    expect((await send('POST', '/logout', {})).status).toBe(204)
    expect(cookie).toBeNull()
    expect((await send('GET', '/')).body).toEqual({ user: null, visits: 1 })
  }, 60_000)
})
