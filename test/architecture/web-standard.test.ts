import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { checkSource, checkTree } from './web-standard-rules.js'

const ROOT = resolve(import.meta.dirname, '../..')
const DOMAIN = { frameworkFree: true, mayImport: ['src/domain'] }
const HTTP = { frameworkFree: false, mayImport: ['src/http', 'src/domain'] }

const rulesBroken = (text: string, options = HTTP, file = 'src/http/sample.ts') =>
  checkSource(file, text, options).map((v) => v.rule)

describe('src/domain and src/http use Web-standard APIs only', () => {
  it('the real source tree breaks no rule', () => {
    const { files, violations } = checkTree(ROOT)
    // Guard against a scan that silently finds nothing.
    expect(files).toContain('src/domain/session.ts')
    expect(files).toContain('src/http/session-middleware.ts')
    expect(files).toContain('src/adapters/dynamodb-session-repository.ts')
    expect(files).toContain('src/telemetry/session-telemetry.ts')
    expect(violations).toEqual([])
  })

  it.each([
    ["import { createHash } from 'node:crypto'", 'imports Node built-in "node:crypto"'],
    ["import { readFile } from 'fs'", 'imports Node built-in "fs" by bare name'],
    ["import { readFile } from 'fs/promises'", 'imports Node built-in "fs/promises" by bare name'],
    ["import path from 'path'", 'imports Node built-in "path" by bare name'],
    ["export { Buffer } from 'buffer'", 'imports Node built-in "buffer" by bare name'],
    ["const c = await import('node:crypto')", 'imports Node built-in "node:crypto"'],
    ["type B = import('node:buffer').Blob", 'imports Node built-in "node:buffer"'],
    ["import os = require('os')", 'imports Node built-in "os" by bare name'],
    ["const bytes = Buffer.from('x')", 'uses Node global "Buffer"'],
    ['let b: Buffer | undefined', 'uses Node global "Buffer"'],
    ['const port = process.env.PORT', 'uses Node global "process"'],
    ["const fs = require('fs')", 'uses Node global "require"'],
    ['const here = __dirname', 'uses Node global "__dirname"'],
    ['const me = __filename', 'uses Node global "__filename"'],
    ['const env = globalThis.process.env', 'uses Node global "process" through globalThis'],
    ["const B = globalThis['Buffer']", 'uses Node global "Buffer" through globalThis'],
  ])('reports %s', (text, rule) => {
    expect(rulesBroken(text)).toContain(rule)
  })

  it('does not count comments, strings or property names that merely say "process" or "Buffer"', () => {
    const text = [
      '// Runs in any process; no Buffer needed.',
      '/** @example app.use(x({ secret: process.env.SECRET! })) */',
      "const label = 'process Buffer require(x) __dirname'",
      'const steps = { process: 1, Buffer: 2 }',
      'const n = steps.process + steps.Buffer',
      "import { Hono } from 'hono'",
      "import { fromBase64Url } from '../domain/session-id.js'",
      'const bytes = new TextEncoder().encode(label)',
    ].join('\n')
    expect(rulesBroken(text)).toEqual([])
  })

  it('keeps the domain free of hono, the AWS SDK and the outer layers', () => {
    const file = 'src/domain/sample.ts'
    expect(rulesBroken("import type { Context } from 'hono'", DOMAIN, file)).toEqual(['domain imports "hono"'])
    expect(rulesBroken("import { html } from 'hono/html'", DOMAIN, file)).toEqual(['domain imports "hono/html"'])
    expect(rulesBroken("import { GetCommand } from '@aws-sdk/lib-dynamodb'", DOMAIN, file)).toEqual([
      'domain imports "@aws-sdk/lib-dynamodb"',
    ])
    expect(rulesBroken("import { x } from '../http/session-cookie.js'", DOMAIN, file)).toEqual([
      'reaches across layers to "src/http/session-cookie.js"',
    ])
    expect(rulesBroken("import { isLive } from './session.js'", DOMAIN, file)).toEqual([])
  })

  it('keeps the demo server\'s packages and folder out of the library', () => {
    expect(rulesBroken("import { z } from 'zod'")).toEqual(['library imports demo-server package "zod"'])
    expect(rulesBroken("import { pino } from 'pino'")).toEqual(['library imports demo-server package "pino"'])
    expect(rulesBroken("import { NodeHttpHandler } from '@smithy/node-http-handler'")).toEqual([
      'library imports demo-server package "@smithy/node-http-handler"',
    ])
    expect(rulesBroken("import { loadConfig } from '../server/config.js'")).toEqual([
      'reaches across layers to "src/server/config.js"',
    ])
  })

  it('keeps OpenTelemetry out of the library: the application hands the API in', () => {
    const telemetry = { frameworkFree: true, mayImport: ['src/telemetry', 'src/domain'] }
    expect(rulesBroken("import { trace } from '@opentelemetry/api'", telemetry, 'src/telemetry/sample.ts')).toEqual([
      'library imports demo-server package "@opentelemetry/api"',
    ])
    expect(rulesBroken("const api = await import('@opentelemetry/api')", HTTP)).toEqual([
      'library imports demo-server package "@opentelemetry/api"',
    ])
    expect(rulesBroken("import { httpInstrumentationMiddleware } from '@hono/otel'")).toEqual([
      'library imports demo-server package "@hono/otel"',
    ])
    expect(rulesBroken("import type { Context } from '../http/session-cookie.js'", telemetry, 'src/telemetry/sample.ts')).toEqual([
      'reaches across layers to "src/http/session-cookie.js"',
    ])
  })

  it('keeps src/http off the adapters, so the core never pulls in the AWS SDK', () => {
    expect(rulesBroken("import { X } from '../adapters/dynamodb-client.js'")).toEqual([
      'reaches across layers to "src/adapters/dynamodb-client.js"',
    ])
  })

  describe('on a copy of the tree with one bad file added', () => {
    const copy = mkdtempSync(join(tmpdir(), 'web-standard-'))
    afterAll(() => rmSync(copy, { recursive: true, force: true }))

    it('fails, naming the file and line', () => {
      cpSync(join(ROOT, 'src'), join(copy, 'src'), { recursive: true })
      writeFileSync(
        join(copy, 'src/domain/bad-hash.ts'),
        "// a Node-only shortcut\nimport { createHash } from 'node:crypto'\nexport const tag = (s: string) => createHash('sha256').update(Buffer.from(s)).digest('hex')\n",
      )
      const { violations } = checkTree(copy)
      expect(violations).toEqual([
        { file: 'src/domain/bad-hash.ts', line: 2, rule: 'imports Node built-in "node:crypto"' },
        { file: 'src/domain/bad-hash.ts', line: 3, rule: 'uses Node global "Buffer"' },
      ])
    })
  })
})
