import { readFileSync, existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import * as entry from 'hono-dynamodb-session'
import { DynamoDbSessionRepository, MemorySessionRepository, sessionMiddleware } from 'hono-dynamodb-session'
import * as testing from 'hono-dynamodb-session/testing'
import { describe, expect, it } from 'vitest'
import { shopApp } from './shop-app.js'
import { browser, dynamoDbClient } from './support.js'

describe('errors answer for themselves', () => {
  it('a store that cannot be reached answers 503 with Retry-After, with no onError in the app', async () => {
    // Nothing listens on port 9: every call is refused, quickly.
    const repository = new DynamoDbSessionRepository({ client: dynamoDbClient('http://127.0.0.1:9'), tableName: 'sessions', timeoutMs: 500 })
    const response = await browser(shopApp({ repository })).fetch('/visit')
    expect(response.status).toBe(503)
    expect(response.headers.get('retry-after')).toMatch(/^\d+$/)
  })

  it('a missing or empty secret is a one-line error that names it', () => {
    for (const secret of [undefined, '']) {
      let message = ''
      try {
        sessionMiddleware({ repository: new MemorySessionRepository(), secret: secret as unknown as string })
      } catch (error) {
        message = (error as Error).message
      }
      expect(message).toMatch(/secret/)
      expect(message).not.toMatch(/\n/)
      expect(message).not.toMatch(/iterable/)
    }
  })
})

describe('the installed package', () => {
  const require = createRequire(import.meta.url)
  const root = join(dirname(require.resolve('hono-dynamodb-session/package.json')), '.')
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))

  it('carries its LICENSE, runs no install-time script, and states the Node it needs', () => {
    expect(readFileSync(join(root, 'LICENSE'), 'utf8')).toMatch(/^MIT License/)
    const installScripts = ['preinstall', 'install', 'postinstall', 'prepare', 'prepublish']
    expect(Object.keys(manifest.scripts ?? {}).filter((name) => installScripts.includes(name))).toEqual([])
    expect(manifest.engines.node).toMatch(/^>=\d+/)
    expect(existsSync(join(root, 'dist/testing/index.d.ts'))).toBe(true)
  })

  it('exports a small, named surface: no cookie signer, the contract suite on its own entry', () => {
    expect(Object.keys(entry)).not.toContain('createCookieSigner')
    expect(Object.keys(entry)).toEqual(expect.arrayContaining(['sessionMiddleware', 'sessionErrorResponse', 'SessionRetiredError', 'SessionError', 'MemorySessionRepository', 'DynamoDbSessionRepository']))
    expect(Object.keys(testing)).toEqual(['sessionRepositoryContract'])
  })
})
