import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const ROOT = resolve(import.meta.dirname, '../..')
const run = promisify(execFile)
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))

// As in pack.test.ts: the nested npm must act as a user's npm would, not inherit `npm test`'s settings.
const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_(config|package|lifecycle)_/i.test(k)))

/** Scripts npm (or another installer) runs in a package being installed. */
const INSTALL_SCRIPTS = ['preinstall', 'install', 'postinstall', 'prepublish', 'preprepare', 'prepare', 'postprepare']

const atLeast = (a: number[], b: number[]) => a[0]! - b[0]! || a[1]! - b[1]! || a[2]! - b[2]!

/** The lowest version a range allows: `>=20.0.0` → [20, 0, 0], `^20.0.0 || >=24` → [20, 0, 0]; another form gives null. */
function floor(range: string): number[] | null {
  const floors = range.split('||').map((part) => {
    const match = /^(?:>=|\^)\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(part.trim())
    return match ? [Number(match[1]), Number(match[2] ?? 0), Number(match[3] ?? 0)] : null
  })
  if (floors.some((f) => f === null)) return null
  return (floors as number[][]).sort(atLeast)[0]!
}

describe('what npm pack puts in the package', () => {
  it('the library, its types, README and LICENSE; never the demo server, tests or tooling', async () => {
    // --dry-run still runs `prepack`, which builds dist/ as a publish would.
    const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--loglevel=error'], { cwd: ROOT, env: cleanEnv, timeout: 150_000 })
    const [info] = JSON.parse(stdout) as Array<{ files: Array<{ path: string }> }>
    const paths = info!.files.map((f) => f.path)
    expect(paths).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'package.json', 'dist/index.js', 'dist/index.d.ts', 'src/index.ts']))
    expect(paths.filter((p) => /^(dist|src)\/server\//.test(p))).toEqual([])
    expect(paths.filter((p) => !/^(dist|src)\//.test(p)).sort()).toEqual(['LICENSE', 'README.md', 'package.json'])
    expect(paths.filter((p) => /\.test\.|(^|\/)test\//.test(p))).toEqual([])
  }, 180_000)

  it('runs no script when installed: the build happens before packing (prepack), not on install', () => {
    expect(Object.keys(manifest.scripts).filter((name) => INSTALL_SCRIPTS.includes(name))).toEqual([])
    expect(manifest.scripts.prepack).toBe('npm run build')
  })

  it('is MIT, with the license text in the package', () => {
    expect(manifest.license).toBe('MIT')
    expect(manifest.files).toContain('LICENSE')
    expect(readFileSync(join(ROOT, 'LICENSE'), 'utf8')).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} /)
  })

  it('claims no Node older than its peer dependencies need, and includes the Node running these tests', () => {
    expect(manifest.engines.node).toMatch(/^>=\d+\.\d+\.\d+$/)
    const ours = floor(manifest.engines.node)
    for (const peer of Object.keys(manifest.peerDependencies)) {
      const needs = JSON.parse(readFileSync(join(ROOT, 'node_modules', peer, 'package.json'), 'utf8')).engines?.node
      const theirs = needs === undefined ? null : floor(needs)
      if (needs !== undefined) expect(theirs, `${peer} engines.node ${needs}`).not.toBeNull()
      if (theirs) expect(atLeast(ours!, theirs), `${peer} needs Node ${needs}`).toBeGreaterThanOrEqual(0)
    }
    expect(atLeast(process.versions.node.split('.').map(Number), ours!)).toBeGreaterThanOrEqual(0)
  })
})
