import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

// The server, the Worker and the operator CLI build their store in one place
// (src/server/store.ts), so a setting cannot be dropped by one of them again.

/** The file's code lines, without comment lines (doc examples may show a store being made). */
const code = (file: string): string =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => !/^\s*(\*|\/\/|\/\*)/.test(line))
    .join('\n')
const files = (dir: string): string[] => readdirSync(dir).filter((f) => f.endsWith('.ts')).map((f) => join(dir, f))
const STORE_CLASSES = /new (DynamoDbSessionRepository|MemorySessionRepository|ConnectDynamoDbSessionSource)\(/

describe('one store builder', () => {
  it('no entry point of the demo or the CLI constructs a store itself; only src/server/store.ts does', () => {
    const offenders = [...files('src/server'), ...files('scripts')].filter(
      (file) => !file.endsWith(join('server', 'store.ts')) && STORE_CLASSES.test(code(file)),
    )
    expect(offenders).toEqual([])
    expect(STORE_CLASSES.test(code('src/server/store.ts'))).toBe(true)
  })
})
