import { spawnSync } from 'node:child_process'
import { mkdtempSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

describe('npm run dev without Java', () => {
  it('says what to install, or to use Docker or the memory store, and exits 1', () => {
    // A PATH that holds node and nothing else, so `java` cannot be found.
    const bin = mkdtempSync(join(tmpdir(), 'no-java-'))
    symlinkSync(process.execPath, join(bin, 'node'))
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/dev.ts'], {
      env: { PATH: bin, HOME: tmpdir() },
      encoding: 'utf8',
      timeout: 30_000,
    })
    expect(result.status).toBe(1)
    expect(result.stderr).toContain('Java 17')
    expect(result.stderr).toContain('openjdk-17-jre-headless')
    expect(result.stderr).toContain('docker compose up')
    expect(result.stderr).toContain('SESSION_STORE=memory')
  })
})
