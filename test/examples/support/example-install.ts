// The examples as a user gets them: the library packed with `npm pack`, installed from
// the tarball into a copy of the example outside this repository, then built.
import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'

export const ROOT = resolve(import.meta.dirname, '../../..')
const run = promisify(execFile)

// npm run from `npm test` exports its own settings (npm_config_*, npm_package_*); nested npm
// commands must act on the example as a user's npm would, not inherit them.
const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_(config|package|lifecycle)_/i.test(k)))

export async function sh(command: string, args: string[], cwd: string, timeoutMs: number, env: Record<string, string> = {}): Promise<string> {
  try {
    return (await run(command, args, { cwd, env: { ...cleanEnv, ...env }, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 })).stdout
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string }
    throw new Error(`${command} ${args.join(' ')} failed in ${cwd}:\n${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`)
  }
}

/** Every file that goes into the tarball or into building it: the cache key of a packed tarball. */
function sourceDigest(): string {
  const hash = createHash('sha256')
  const files = ['package.json', 'tsconfig.json', 'tsconfig.build.json', 'README.md', 'LICENSE'].filter((f) => existsSync(join(ROOT, f)))
  const walk = (dir: string): string[] =>
    readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((d) =>
      d.isDirectory() ? walk(join(dir, d.name)) : [join(dir, d.name)],
    )
  for (const file of [...files, ...walk('src').sort()]) hash.update(file).update('\0').update(readFileSync(join(ROOT, file))).update('\0')
  return hash.digest('hex').slice(0, 16)
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/**
 * The library packed as `npm pack` ships it, built once per version of the sources and
 * shared by the example tests (they run in parallel workers, so a lock directory makes
 * one of them pack while the others wait).
 */
export async function packedTarball(): Promise<string> {
  const dir = join(tmpdir(), 'hono-dynamodb-session-pack', sourceDigest())
  const tarball = join(dir, 'hono-dynamodb-session.tgz')
  const lock = `${dir}.lock`
  mkdirSync(join(tmpdir(), 'hono-dynamodb-session-pack'), { recursive: true })
  const deadline = Date.now() + 240_000
  while (!existsSync(tarball)) {
    try {
      mkdirSync(lock)
    } catch {
      // Another worker is packing; a lock older than five minutes was left by a killed run.
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 300_000) rmSync(lock, { recursive: true, force: true })
      if (Date.now() > deadline) throw new Error(`gave up waiting for ${lock}`)
      await sleep(500)
      continue
    }
    try {
      if (!existsSync(tarball)) await pack(dir, tarball)
    } finally {
      rmSync(lock, { recursive: true, force: true })
    }
  }
  return tarball
}

/**
 * Packs a copy of the package: its manifest, the files its `files` names, and dist/ built
 * there from src/. The repository's own dist/ is never written, so servers other tests
 * start from it are not disturbed; npm applies `files` to the copy as it would to the
 * repository.
 */
async function pack(dir: string, tarball: string): Promise<void> {
  const staging = `${dir}.staging`
  rmSync(staging, { recursive: true, force: true })
  mkdirSync(staging, { recursive: true })
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { files?: string[] }
  const named = (manifest.files ?? []).filter((f) => !f.startsWith('!')).map((f) => f.split('/')[0]!)
  const topLevel = readdirSync(ROOT).filter((f) => /^(package\.json|readme|license|licence|changelog)/i.test(f))
  for (const entry of new Set([...topLevel, ...named])) {
    if (entry !== 'dist' && existsSync(join(ROOT, entry))) cpSync(join(ROOT, entry), join(staging, entry), { recursive: true })
  }
  const tsc = join(ROOT, 'node_modules/typescript/bin/tsc')
  await sh(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', join(staging, 'dist')], ROOT, 180_000)
  const out = await sh('npm', ['pack', '--ignore-scripts', '--json'], staging, 120_000)
  const [info] = JSON.parse(out) as Array<{ filename: string }>
  mkdirSync(dir, { recursive: true })
  renameSync(join(staging, info!.filename), tarball)
  rmSync(staging, { recursive: true, force: true })
}

export interface InstalledExample {
  /** The example's folder, outside this repository, with its node_modules. */
  readonly dir: string
  readonly manifest: { dependencies: Record<string, string> }
}

/**
 * Copies `examples/<name>` into `work`, points its `hono-dynamodb-session` dependency at
 * the packed tarball and runs `npm install`. Its own dependencies come from npm's cache
 * when they are there (this repository installs the same versions); its dev tools
 * (TypeScript, wrangler) are not installed: the tests use this repository's.
 */
export async function installExample(name: string, work: string): Promise<InstalledExample> {
  const tarball = await packedTarball()
  const dir = join(work, name)
  cpSync(join(ROOT, 'examples', name), dir, {
    recursive: true,
    filter: (source) => !/[\\/](node_modules|dist)$/.test(source),
  })
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
  if (!manifest.dependencies?.['hono-dynamodb-session']) throw new Error(`examples/${name} does not depend on hono-dynamodb-session`)
  manifest.dependencies['hono-dynamodb-session'] = `file:${tarball}`
  delete manifest.devDependencies
  writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest, null, 2))
  await sh('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], dir, 240_000)
  return { dir, manifest }
}

/** Compiles the example with its own tsconfig and this repository's TypeScript and Node types. */
export async function buildExample(dir: string): Promise<void> {
  const tsc = join(ROOT, 'node_modules/typescript/bin/tsc')
  await sh(process.execPath, [tsc, '-p', '.', '--typeRoots', join(ROOT, 'node_modules/@types')], dir, 180_000)
}

/** The first `name=value` of each Set-Cookie, as a browser would send it back. */
export function cookieOf(setCookies: readonly string[], name: string): string | null {
  const line = setCookies.find((l) => l.startsWith(`${name}=`))
  return line ? line.split(';')[0]! : null
}
