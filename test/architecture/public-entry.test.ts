import { readdirSync, readFileSync } from 'node:fs'
import { join, posix, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { checkSource } from './web-standard-rules.js'

// The demo server uses the library as an application would: through the package's
// main entry (src/index.ts) only, never a module behind it.

const ROOT = resolve(import.meta.dirname, '../..')

/** Relative imports of `file` that leave src/server for anything but the public entry. */
function reachesBehindEntry(file: string, text: string): string[] {
  return checkSource(file, text, { frameworkFree: false, mayImport: ['src/server'] })
    .map((v) => v.rule)
    .filter((rule) => rule.startsWith('reaches across layers'))
    .filter((rule) => rule !== 'reaches across layers to "src/index.js"')
}

describe('the demo server imports the library through its public entry only', () => {
  const files = readdirSync(join(ROOT, 'src/server'), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => posix.join('src/server', f.split('\\').join('/')))

  it('no file in src/server reaches into src/domain, src/http or src/adapters', () => {
    expect(files.length).toBeGreaterThan(10)
    const offenders = files.flatMap((file) => reachesBehindEntry(file, readFileSync(join(ROOT, file), 'utf8')).map((rule) => `${file}: ${rule}`))
    expect(offenders).toEqual([])
    // Guard against a check that lets everything through: some files do use the entry.
    expect(files.filter((file) => readFileSync(join(ROOT, file), 'utf8').includes("from '../index.js'")).length).toBeGreaterThan(3)
  })

  it('catches an import behind the entry, and accepts the entry itself', () => {
    const file = 'src/server/sample.ts'
    expect(reachesBehindEntry(file, "import { createCookieSigner } from '../http/cookie-signer.js'")).toEqual([
      'reaches across layers to "src/http/cookie-signer.js"',
    ])
    expect(reachesBehindEntry(file, "import type { Session } from '../domain/session-api.js'")).toHaveLength(1)
    expect(reachesBehindEntry(file, "import { sessionMiddleware } from '../index.js'")).toEqual([])
    expect(reachesBehindEntry(file, "import { buildStore } from './store.js'")).toEqual([])
  })
})
