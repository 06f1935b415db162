import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, normalize, resolve } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import { anchorsOf, documentedPages, linksOf, read, typeScriptBlocks } from './markdown.js'

const ROOT = resolve(import.meta.dirname, '../..')
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc')
const run = promisify(execFile)
const pages = documentedPages(ROOT)

/** Why a relative link from `page` does not resolve, or null when it does. */
function brokenLink(page: string, target: string): string | null {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//')) return null // http(s), mailto: not ours to check
  const [path, anchor] = target.split('#', 2) as [string, string | undefined]
  const file = path === '' ? page : normalize(join(dirname(page), decodeURIComponent(path)))
  if (file.startsWith('..')) return `points outside the repository: ${file}`
  const absolute = join(ROOT, file)
  if (!existsSync(absolute)) return `no such file: ${file}`
  if (anchor === undefined || anchor === '') return null
  if (!file.endsWith('.md') || statSync(absolute).isDirectory()) return `an anchor on a file that is not Markdown: ${file}`
  return anchorsOf(readFileSync(absolute, 'utf8')).has(anchor) ? null : `no heading "#${anchor}" in ${file}`
}

describe('the documentation', () => {
  it('covers the README, every page under docs/ and the examples', () => {
    expect(pages).toContain('README.md')
    expect(pages.filter((p) => p.startsWith('docs/')).length).toBeGreaterThanOrEqual(10)
    expect(pages).toContain('examples/node-dynamodb/README.md')
  })

  it('has no relative link or anchor that does not resolve', () => {
    const broken = pages.flatMap((page) =>
      linksOf(read(ROOT, page)).flatMap(({ target, line }) => {
        const problem = brokenLink(page, target)
        return problem ? [`${page}:${line} ${target}: ${problem}`] : []
      }),
    )
    expect(broken).toEqual([])
  })

  it('finds a broken link and a missing anchor when there is one', () => {
    // The checker itself must be able to fail: a made-up file and a made-up heading.
    expect(brokenLink('README.md', 'docs/no-such-page.md')).toMatch(/no such file/)
    expect(brokenLink('README.md', '#no-such-heading-anywhere')).toMatch(/no heading/)
    expect(brokenLink('docs/getting-started.md', '../README.md')).toBeNull()
  })

  describe('TypeScript blocks', () => {
    const work = mkdtempSync(join(tmpdir(), 'docs-snippets-'))
    afterAll(() => rmSync(work, { recursive: true, force: true }))

    const blocks = pages.flatMap((page) =>
      typeScriptBlocks(read(ROOT, page)).map((block) => ({ page, ...block })),
    )

    it('mark very few blocks as unchecked', () => {
      const unchecked = blocks.filter((b) => !b.checked)
      expect(blocks.length).toBeGreaterThanOrEqual(15)
      expect(unchecked.length).toBeLessThanOrEqual(Math.ceil(blocks.length / 10))
    })

    it('type-check against the public entry, each block on its own', async () => {
      // Each block becomes its own module; `hono-dynamodb-session` resolves to src/index.ts (and its `testing` entry to src/testing),
      // every other package to this project's node_modules.
      symlinkSync(join(ROOT, 'node_modules'), join(work, 'node_modules'), 'dir')
      writeFileSync(join(work, 'package.json'), JSON.stringify({ type: 'module' }))
      const files = blocks
        .filter((b) => b.checked)
        .map((b, index) => {
          const name = `${b.page.replace(/[^a-z0-9]+/gi, '_')}_line${b.line}_${index}.ts`
          writeFileSync(join(work, name), `${b.code}\nexport {}\n`)
          return { name, where: `${b.page}:${b.line}` }
        })
      writeFileSync(
        join(work, 'tsconfig.json'),
        JSON.stringify({
          extends: join(ROOT, 'tsconfig.json'),
          compilerOptions: {
            noEmit: true,
            rootDir: '/',
            sourceMap: false,
            declaration: false,
            // Snippets read top to bottom; an unused import in one is not an error for the reader.
            noUnusedLocals: false,
            paths: {
              'hono-dynamodb-session': [join(ROOT, 'src/index.ts')],
              'hono-dynamodb-session/testing': [join(ROOT, 'src/testing/index.ts')],
            },
          },
          files: files.map((f) => f.name),
          include: [],
        }),
      )
      const output = await run(process.execPath, [TSC, '-p', work, '--pretty', 'false'], { cwd: work, maxBuffer: 8 * 1024 * 1024 }).then(
        () => '',
        (error: { stdout?: string; stderr?: string }) => `${error.stdout ?? ''}${error.stderr ?? ''}`,
      )
      // Name the page and line each error belongs to, so a failure points at the docs.
      const located = output
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => files.reduce((text, f) => text.replace(f.name, f.where), l))
      expect(located).toEqual([])
    }, 120_000)

    it('fail the check for a block that does not compile', async () => {
      const dir = mkdtempSync(join(work, 'bad-'))
      symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir')
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }))
      writeFileSync(
        join(dir, 'bad.ts'),
        "import { sessionMiddleware } from 'hono-dynamodb-session'\nsessionMiddleware({ secret: 'x' })\nexport {}\n",
      )
      writeFileSync(
        join(dir, 'tsconfig.json'),
        JSON.stringify({
          extends: join(ROOT, 'tsconfig.json'),
          compilerOptions: { noEmit: true, rootDir: '/', paths: { 'hono-dynamodb-session': [join(ROOT, 'src/index.ts')] } },
          files: ['bad.ts'],
          include: [],
        }),
      )
      const failed = await run(process.execPath, [TSC, '-p', dir, '--pretty', 'false'], { cwd: dir }).then(
        () => '',
        (error: { stdout?: string }) => error.stdout ?? '',
      )
      expect(failed).toMatch(/bad\.ts\(2,\d+\): error TS\d+:[\s\S]*'repository'/)
    }, 120_000)
  })
})
