// Hono v5 moves the runtime adapters (hono/aws-lambda, hono/bun, ...) into packages of
// their own. Each adapter is imported by one entry file only, so each switch is one line.
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const ROOT = resolve(import.meta.dirname, '../..')

/** Hono's runtime adapters, and the separate packages that replace or sit beside them. */
const ADAPTER = /^(hono\/(aws-lambda|lambda-edge|bun|deno|cloudflare-workers|cloudflare-pages|vercel|netlify|service-worker)|@hono\/(node-server|aws-lambda|bun|deno|cloudflare-workers|vercel|netlify))(\/.*)?$/

const sources = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    return entry.isDirectory() ? sources(path) : entry.name.endsWith('.ts') ? [path] : []
  })

const specifiers = (text: string) =>
  [...text.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)].map((m) => m[1]!)

describe('runtime adapters', () => {
  const importers = new Map<string, string[]>()
  for (const file of sources(join(ROOT, 'src'))) {
    for (const spec of specifiers(readFileSync(file, 'utf8')).filter((s) => ADAPTER.test(s))) {
      const adapter = spec.split('/').slice(0, 2).join('/')
      importers.set(adapter, [...(importers.get(adapter) ?? []), relative(ROOT, file)])
    }
  }

  it('are imported only by entry files in src/server, each adapter by one file', () => {
    // Guard against a scan that finds nothing: the Node and Lambda entries use adapters today.
    expect(importers.size).toBeGreaterThanOrEqual(2)
    for (const [adapter, files] of importers) {
      expect(files, adapter).toHaveLength(1)
      expect(files[0], adapter).toMatch(/^src\/server\/(main|bun|deno|lambda|worker)\.ts$/)
    }
  })
})
