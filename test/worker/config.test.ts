import { spawnSync } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { freePort } from '../../scripts/dynamodb-local.js'
import { bundleWorker } from '../../scripts/worker-bundle.js'
import { COMPATIBILITY_DATE, workerdConfig } from '../../scripts/workerd-config.js'
import { DEVELOPMENT_SECRET } from '../../src/server/config.js'
import { loadWorkerConfig, WORKER_VARIABLES } from '../../src/server/worker-config.js'
import { ROOT, spawnChild } from '../support/server-process.js'
import { SECRET } from '../support/secrets.js'
import { isValidlySigned } from '../security/cookies.js'
import { START_WORKER, startWorker } from './worker-server.js'

/** Runs the launcher to its end; it must end by itself since the configuration stops it before workerd. */
function launch(env: Record<string, string>) {
  const result = spawnSync(START_WORKER[0], START_WORKER[1], { cwd: ROOT, env: { PATH: process.env.PATH, ...env }, encoding: 'utf8', timeout: 30_000 })
  const errors = result.stderr.split('\n').filter((line) => line.startsWith('Configuration error'))
  return { status: result.status, errors, output: result.stdout + result.stderr }
}

describe('npm run start:worker with a bad configuration', () => {
  it('exits 1 with one line naming the variable, before bundling or starting workerd', () => {
    const run = launch({ SESSION_STORE: 'memory', SESSION_TTL_SECONDS: 'soon', PORT: '1' })
    expect(run.status).toBe(1)
    // Nothing else is printed: no stack, no SDK warning, no start of workerd.
    expect(run.output.trim()).toBe('Configuration error: SESSION_TTL_SECONDS must be a whole number')
  })

  it('against AWS without keys or region, names what a Worker needs, since it has no IAM role or instance metadata', () => {
    const run = launch({ SESSION_STORE: 'dynamodb', SESSION_SECRET: SECRET })
    expect(run.status).toBe(1)
    expect(run.errors).toHaveLength(2)
    expect(run.errors[0]).toMatch(/^Configuration error: AWS_REGION is required on Workers/)
    expect(run.errors[1]).toMatch(/^Configuration error: AWS_ACCESS_KEY_ID is required on Workers/)
  })
})

describe('the configuration workerd is given', () => {
  it('binds the variables by name only: the secret reaches the Worker but is not written to the config file', async () => {
    const server = await startWorker({ SESSION_STORE: 'memory', SESSION_SECRET: SECRET })
    try {
      const response = await fetch(`${server.url}/private`)
      const value = response.headers.getSetCookie()[0]!.split(';')[0]!.split('=')[1]!
      expect(isValidlySigned(value, [SECRET])).toBe(true)
      const config = await readFile(join(tmpdir(), 'hono-dynamodb-session-worker', String(server.port), 'workerd.capnp'), 'utf8')
      expect(config).toContain('(name = "SESSION_SECRET", fromEnvironment = "SESSION_SECRET")')
      expect(config).not.toContain(SECRET)
      expect(config).toContain(`"127.0.0.1:${server.port}"`)
    } finally {
      await server.kill()
    }
  })

  it('a Worker whose bindings are bad (deployed without the launcher) answers 500 and logs the lines naming them', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'worker-bad-'))
    const port = await freePort()
    await bundleWorker(join(dir, 'worker.js'))
    const config = workerdConfig({ module: 'worker.js', address: `127.0.0.1:${port}`, bindings: WORKER_VARIABLES, allowLocalNetwork: false, compatibilityDate: COMPATIBILITY_DATE })
    await writeFile(join(dir, 'workerd.capnp'), config)
    const workerd = spawnChild(join(ROOT, 'node_modules/.bin/workerd'), ['serve', join(dir, 'workerd.capnp')], { SESSION_MAX_BYTES: 'lots' })
    try {
      let response: Response | undefined
      for (let i = 0; i < 200 && !response; i++) {
        response = await fetch(`http://127.0.0.1:${port}/private`).catch(() => undefined)
        if (!response) await new Promise((resolve) => setTimeout(resolve, 50))
      }
      expect(response?.status).toBe(500)
      expect(await response!.text()).toBe('Server misconfigured; see the Worker logs.')
      expect(workerd.output()).toContain('Configuration error: SESSION_MAX_BYTES must be a whole number')
    } finally {
      await workerd.kill()
      await rm(dir, { recursive: true, force: true })
    }
  })
})

describe('loadWorkerConfig', () => {
  it('takes bindings that are null (an unset fromEnvironment) as unset', () => {
    const { config, keys } = loadWorkerConfig({ SESSION_STORE: 'memory', PORT: null, SESSION_SECRET: null })
    expect(config.port).toBe(3000)
    expect(config.session.usingDevelopmentSecret).toBe(true)
    expect(keys).toBeUndefined()
  })

  it('passes the key pair and session token on; refuses half a pair', () => {
    const aws = { SESSION_STORE: 'dynamodb', AWS_REGION: 'eu-west-1', SESSION_SECRET: SECRET }
    const { keys } = loadWorkerConfig({ ...aws, AWS_ACCESS_KEY_ID: 'AKID', AWS_SECRET_ACCESS_KEY: 'shh', AWS_SESSION_TOKEN: 'tok' })
    expect(keys).toEqual({ accessKeyId: 'AKID', secretAccessKey: 'shh', sessionToken: 'tok' })
    expect(() => loadWorkerConfig({ ...aws, AWS_ACCESS_KEY_ID: 'AKID' })).toThrow(/^AWS_SECRET_ACCESS_KEY is required with AWS_ACCESS_KEY_ID$/)
  })

  it('refuses the development secret against AWS (an endpoint on amazonaws.com, or none) and in production', () => {
    const keys = { AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'AKID', AWS_SECRET_ACCESS_KEY: 'shh' }
    expect(() => loadWorkerConfig({ ...keys, SESSION_STORE: 'dynamodb' })).toThrow(/^SESSION_SECRET is required with SESSION_STORE=dynamodb on AWS/)
    expect(() => loadWorkerConfig({ ...keys, SESSION_STORE: 'dynamodb', DYNAMODB_ENDPOINT: 'https://dynamodb.eu-west-1.amazonaws.com' })).toThrow(
      /^SESSION_SECRET is required with a DYNAMODB_ENDPOINT on AWS/,
    )
    expect(() => loadWorkerConfig({ NODE_ENV: 'production', SESSION_STORE: 'memory', SESSION_SECRET: DEVELOPMENT_SECRET })).toThrow(
      /^SESSION_SECRET must not contain the built-in development secret when NODE_ENV=production: it is public$/,
    )
  })

  it('needs no keys against a local endpoint', () => {
    const { config, keys } = loadWorkerConfig({ SESSION_STORE: 'dynamodb', DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000' })
    expect(config.dynamodb.endpoint).toBe('http://127.0.0.1:8000')
    expect(keys).toBeUndefined()
  })
})
