// No source file reaches into the AWS SDK's internals: nothing in the SDK promises how a
// command resolves its middleware chain or how a client calls its request handler, so a
// minor SDK update could break such code, or slow it, without a word. Public options,
// middleware added through a stack's add(), and a request handler given as configuration
// are fine.
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const ROOT = resolve(import.meta.dirname, '../..')
const FOLDERS = ['src', 'test', 'bench', 'scripts']
const THIS_FILE = 'test/architecture/sdk-public-api.test.ts'

/** Uses of SDK internals, each with what it is. */
const INTERNALS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\bresolveMiddleware(WithContext)?\b/, "a command's middleware resolution"],
  [/\.handle\s*=(?!=)/, "a request handler's handle method replaced"],
  [/\bhandlers\s*\.\s*(get|set|has)\s*\(\s*command\.constructor/, "the client's cache of resolved chains"],
  [/\bclientCommand\b/, "the document client's inner command"],
]

const sources = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name === 'results' ? [] : sources(path)
    return /\.(ts|mts|js|mjs)$/.test(entry.name) ? [path] : []
  })

function findInternals(text: string): string[] {
  return INTERNALS.filter(([pattern]) => pattern.test(text)).map(([, what]) => what)
}

describe('the AWS SDK is used through its public API only', () => {
  it('no file in src, test, bench or scripts patches or calls SDK internals', () => {
    const files = FOLDERS.flatMap((folder) => sources(join(ROOT, folder))).map((file) => relative(ROOT, file))
    // Guard against a scan that silently finds nothing.
    expect(files).toContain('src/server/dynamodb-client.ts')
    expect(files).toContain('src/adapters/dynamodb-session-repository.ts')
    const found = files
      .filter((file) => file !== THIS_FILE)
      .flatMap((file) => findInternals(readFileSync(join(ROOT, file), 'utf8')).map((what) => `${file}: ${what}`))
    expect(found).toEqual([])
  })

  it('recognizes each kind of internal use it looks for', () => {
    expect(findInternals('const h = command.resolveMiddleware(stack, config, undefined)')).toEqual(["a command's middleware resolution"])
    expect(findInternals('handler.handle = (request, options) => handle(request, options)')).toEqual(["a request handler's handle method replaced"])
    expect(findInternals('if (this.handlers.has(command.constructor)) return')).toEqual(["the client's cache of resolved chains"])
    expect(findInternals('return handler(this.clientCommand)')).toEqual(["the document client's inner command"])
    // Public use is not flagged: options, a handler in the config, middleware added to a stack.
    expect(findInternals("await client.send(command, { abortSignal }); if (a.handle === b) {}")).toEqual([])
    expect(findInternals("client.middlewareStack.add(mw, { step: 'deserialize' }); new NodeHttpHandler({ requestTimeout: 1 })")).toEqual([])
  })
})
