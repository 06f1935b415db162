import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { ConfigError, DEVELOPMENT_SECRET, loadConfig, loadStoreConfig } from '../../src/server/config.js'
import { buildStore } from '../../src/server/store.js'
import { LEGACY_SECRET, SECRET } from '../support/secrets.js'

function errorOf(env: Record<string, string>): string {
  try {
    loadConfig(env)
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError)
    return (error as Error).message
  }
  throw new Error('expected a ConfigError')
}

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig({})
    expect(config.port).toBe(3000)
    expect(config.host).toBe('127.0.0.1')
    expect(config.store).toBe('memory')
    expect(config.storeDefaulted).toBe(true)
    expect(config.dynamodb).toEqual({ endpoint: undefined, region: undefined, table: 'sessions', createTable: true, consistentReads: 'strong', timeoutMs: 2000, hasAccessKey: false })
    expect(config.session.secrets).toEqual([DEVELOPMENT_SECRET])
    expect(config.session.usingDevelopmentSecret).toBe(true)
    expect(config.session.ttlSeconds).toBe(86400)
    expect(config.session.maxAgeSeconds).toBe(604800)
    expect(config.session.cookieName).toBe('sid')
    expect(config.session.sameSite).toBe('Lax')
    expect(config.session.trustProxy).toBe(false)
    expect(config.legacy).toBeNull()
    expect(config.http).toEqual({ headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, maxConnections: 1000 })
    expect(config.maxSessionsPerUser).toBe(50)
    expect(Object.isFrozen(config)).toBe(true)
  })

  it('reads every variable', () => {
    const config = loadConfig({
      PORT: '8080',
      SESSION_STORE: 'dynamodb',
      DYNAMODB_ENDPOINT: 'http://localhost:8000',
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      SESSION_TABLE: 'my-sessions',
      SESSION_CREATE_TABLE: 'false',
      SESSION_SECRET: `${SECRET}-new, ${SECRET}-old`,
      SESSION_TTL_SECONDS: '60',
      SESSION_MAX_AGE_SECONDS: '120',
      SESSION_COOKIE_NAME: 'app',
      SESSION_SAME_SITE: 'Strict',
      TRUST_PROXY: 'true',
      LEGACY_SESSION_SECRET: LEGACY_SECRET,
      HEADERS_TIMEOUT_MS: '5000',
      REQUEST_TIMEOUT_MS: '20000',
      MAX_CONNECTIONS: '50',
      SESSION_MAX_PER_USER: '7',
    })
    expect(config.port).toBe(8080)
    expect(config.maxSessionsPerUser).toBe(7)
    expect(config.http).toEqual({ headersTimeoutMs: 5000, requestTimeoutMs: 20_000, maxConnections: 50 })
    expect(config.dynamodb).toEqual({
      endpoint: 'http://localhost:8000',
      region: 'eu-west-1',
      table: 'my-sessions',
      createTable: false,
      consistentReads: 'strong',
      timeoutMs: 2000,
      hasAccessKey: true,
    })
    expect(config.session.secrets).toEqual([`${SECRET}-new`, `${SECRET}-old`])
    expect(config.session.ttlSeconds).toBe(60)
    expect(config.session.maxAgeSeconds).toBe(120)
    expect(config.session.cookieName).toBe('app')
    expect(config.session.sameSite).toBe('Strict')
    expect(config.session.trustProxy).toBe(true)
    expect(config.legacy).toEqual({ secrets: [LEGACY_SECRET], cookieName: 'connect.sid', table: 'my-sessions', prefix: 'sess:', acceptUntil: Infinity })
  })

  it('reads secret lists with commas inside as a JSON array, an explicit empty legacy prefix, and the migration deadline', () => {
    const config = loadConfig({
      SESSION_STORE: 'dynamodb',
      DYNAMODB_ENDPOINT: 'http://localhost:8000',
      SESSION_SECRET: JSON.stringify([`${SECRET},with,commas`, `${SECRET}-old`]),
      LEGACY_SESSION_SECRET: '["keyboard, cat","older"]',
      LEGACY_SESSION_PREFIX: '',
      LEGACY_ACCEPT_UNTIL: '2027-06-30T00:00:00Z',
      SESSION_RENEW_SECONDS: '0',
    })
    expect(config.session.secrets).toEqual([`${SECRET},with,commas`, `${SECRET}-old`])
    expect(config.legacy).toMatchObject({ secrets: ['keyboard, cat', 'older'], prefix: '', acceptUntil: Date.parse('2027-06-30T00:00:00Z') })
    expect(config.session.renewSeconds).toBe(0)
    expect(loadConfig({}).session).toMatchObject({ renewSeconds: 3600, renewGraceSeconds: 30 })
  })

  it('takes SESSION_CONSISTENT_READS=eventual and refuses anything but strong or eventual', () => {
    expect(loadConfig({ SESSION_CONSISTENT_READS: 'eventual' }).dynamodb.consistentReads).toBe('eventual')
    expect(errorOf({ SESSION_CONSISTENT_READS: 'sometimes' })).toBe('SESSION_CONSISTENT_READS must be strong or eventual')
  })

  it('treats empty strings as unset', () => {
    expect(loadConfig({ PORT: '', SESSION_TABLE: '' }).port).toBe(3000)
  })

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ SESSION_STORE: 'redis' }, 'SESSION_STORE'],
    [{ DYNAMODB_ENDPOINT: 'not a url' }, 'DYNAMODB_ENDPOINT'],
    // A URL to the parser (scheme "localhost:"), but no SDK call could ever reach it.
    [{ DYNAMODB_ENDPOINT: 'localhost:8000' }, 'DYNAMODB_ENDPOINT'],
    [{ DYNAMODB_ENDPOINT: 'ftp://localhost:8000' }, 'DYNAMODB_ENDPOINT'],
    [{ NODE_ENV: 'staging' }, 'NODE_ENV'],
    [{ HEADERS_TIMEOUT_MS: '50' }, 'HEADERS_TIMEOUT_MS'],
    [{ HEADERS_TIMEOUT_MS: '40000', REQUEST_TIMEOUT_MS: '30000' }, 'HEADERS_TIMEOUT_MS'],
    [{ MAX_CONNECTIONS: '0' }, 'MAX_CONNECTIONS'],
    [{ SESSION_TTL_SECONDS: '0' }, 'SESSION_TTL_SECONDS'],
    [{ SESSION_SECRET: 'short' }, 'SESSION_SECRET'],
    [{ SESSION_SAME_SITE: 'lax-ish' }, 'SESSION_SAME_SITE'],
    [{ SESSION_CREATE_TABLE: 'maybe' }, 'SESSION_CREATE_TABLE'],
    [{ NODE_ENV: 'production', SESSION_STORE: 'memory' }, 'SESSION_SECRET'],
    [{ NODE_ENV: 'production', SESSION_SECRET: SECRET }, 'SESSION_STORE'],
    [{ LEGACY_SESSION_SECRET: 'x', SESSION_STORE: 'memory' }, 'LEGACY_SESSION_SECRET'],
    [{ SESSION_SECRET: `${SECRET},` }, 'SESSION_SECRET'],
    [{ SESSION_SECRET: `${SECRET},,${SECRET}-2` }, 'SESSION_SECRET'],
    [{ SESSION_SECRET: 'a'.repeat(40) }, 'SESSION_SECRET'],
    [{ SESSION_SECRET: 'ab'.repeat(20) }, 'SESSION_SECRET'],
    [{ SESSION_SECRET: '["unclosed' }, 'SESSION_SECRET'],
    [{ SESSION_STORE: 'dynamodb' }, 'SESSION_SECRET'],
    [{ SESSION_STORE: 'dynamodb', NODE_ENV: 'development' }, 'SESSION_SECRET'],
    [{ SESSION_STORE: 'dynamodb', DYNAMODB_ENDPOINT: 'http://localhost:8000', LEGACY_SESSION_SECRET: 'old,' }, 'LEGACY_SESSION_SECRET'],
    [{ SESSION_STORE: 'dynamodb', DYNAMODB_ENDPOINT: 'http://localhost:8000', LEGACY_SESSION_SECRET: 'x', LEGACY_ACCEPT_UNTIL: 'next week' }, 'LEGACY_ACCEPT_UNTIL'],
    [{ SESSION_RENEW_SECONDS: '-1' }, 'SESSION_RENEW_SECONDS'],
    [{ SESSION_RENEW_GRACE_SECONDS: '0' }, 'SESSION_RENEW_GRACE_SECONDS'],
    [{ SESSION_MAX_PER_USER: '0' }, 'SESSION_MAX_PER_USER'],
    [{ SESSION_MAX_PER_USER: 'many' }, 'SESSION_MAX_PER_USER'],
    [{ SESSION_MAX_PER_USER: '2.5' }, 'SESSION_MAX_PER_USER'],
  ])('rejects %j with a line naming %s', (env, name) => {
    const message = errorOf(env as Record<string, string>)
    expect(message.split('\n')).toHaveLength(1)
    expect(message).toContain(name)
  })
})

describe('the built-in development secret, which is public', () => {
  const AWS_ENDPOINTS = [
    'https://dynamodb.eu-west-1.amazonaws.com',
    'https://DynamoDB.EU-WEST-1.AmazonAWS.com',
    'https://dynamodb.eu-west-1.amazonaws.com.',
    'https://dynamodb-fips.us-east-1.amazonaws.com',
    'https://vpce-0a1b2c3d4e5f67890-abcd1234.dynamodb.eu-west-1.vpce.amazonaws.com',
    'https://dynamodb.cn-north-1.amazonaws.com.cn',
    'https://dynamodb.us-east-1.api.aws',
  ]

  it.each(AWS_ENDPOINTS)('is refused as the default with SESSION_STORE=dynamodb and DYNAMODB_ENDPOINT=%s', (endpoint) => {
    expect(errorOf({ SESSION_STORE: 'dynamodb', DYNAMODB_ENDPOINT: endpoint })).toBe(
      'SESSION_SECRET is required with a DYNAMODB_ENDPOINT on AWS: the built-in development secret is public',
    )
  })

  it.each([
    [{ SESSION_STORE: 'dynamodb' }, 'SESSION_SECRET is required with SESSION_STORE=dynamodb on AWS (no DYNAMODB_ENDPOINT): the built-in development secret is public'],
    [{ NODE_ENV: 'production', SESSION_STORE: 'memory' }, 'SESSION_SECRET is required when NODE_ENV=production: the built-in development secret is public'],
    [{ NODE_ENV: 'production', SESSION_STORE: 'memory', SESSION_SECRET: DEVELOPMENT_SECRET }, 'SESSION_SECRET must not contain the built-in development secret when NODE_ENV=production: it is public'],
    [{ NODE_ENV: 'production', SESSION_STORE: 'memory', SESSION_SECRET: `${SECRET},${DEVELOPMENT_SECRET}` }, 'SESSION_SECRET must not contain the built-in development secret when NODE_ENV=production: it is public'],
    [{ SESSION_STORE: 'dynamodb', SESSION_SECRET: DEVELOPMENT_SECRET }, 'SESSION_SECRET must not contain the built-in development secret with SESSION_STORE=dynamodb on AWS (no DYNAMODB_ENDPOINT): it is public'],
    [{ SESSION_STORE: 'dynamodb', DYNAMODB_ENDPOINT: AWS_ENDPOINTS[4]!, SESSION_SECRET: DEVELOPMENT_SECRET }, 'SESSION_SECRET must not contain the built-in development secret with a DYNAMODB_ENDPOINT on AWS: it is public'],
  ])('is refused, default or explicit, wherever it would sign real cookies: %j', (env, message) => {
    expect(errorOf(env as Record<string, string>)).toBe(message)
  })

  it.each([
    [{}, true],
    [{ SESSION_STORE: 'dynamodb', DYNAMODB_ENDPOINT: 'http://localhost:8000' }, true],
    [{ SESSION_STORE: 'dynamodb', DYNAMODB_ENDPOINT: 'http://dynamodb-local:8000' }, true],
    [{ SESSION_STORE: 'dynamodb', DYNAMODB_ENDPOINT: 'http://notamazonaws.com:8000' }, true],
    [{ SESSION_SECRET: DEVELOPMENT_SECRET }, true],
    // Behind an AWS endpoint with a real secret, or with the memory store, nothing is public.
    [{ SESSION_STORE: 'dynamodb', DYNAMODB_ENDPOINT: AWS_ENDPOINTS[0]!, SESSION_SECRET: SECRET }, false],
    [{ SESSION_STORE: 'memory', DYNAMODB_ENDPOINT: AWS_ENDPOINTS[0]! }, true],
  ])('is accepted for local development, with the warning flag set: %j', (env, usingDevelopmentSecret) => {
    expect(loadConfig(env).session.usingDevelopmentSecret).toBe(usingDevelopmentSecret)
  })
})

describe('SESSION_MAX_PER_USER reaches the store', () => {
  it('the memory store built from the configuration keeps at most that many sessions per user, ending the oldest', async () => {
    const store = buildStore({ config: loadConfig({ SESSION_STORE: 'memory', SESSION_MAX_PER_USER: '2' }), connect: () => { throw new Error('the memory store needs no client') } })
    const now = 1_900_000_000
    for (let i = 0; i < 3; i++) {
      await store.repository.create({
        key: `key-${i}`,
        data: {},
        createdAt: now + i,
        expires: now + 3600,
        maxExpires: now + 7200,
        version: 1,
        user: { id: 'alice', device: 'Firefox on Linux' },
      })
    }
    const listed = await store.repository.listUserSessions('alice', now + 10)
    expect(listed.map((s) => s.key).sort()).toEqual(['key-1', 'key-2'])
    expect(await store.repository.load('key-0', now + 10)).toBeNull()
  })
})

describe('loadStoreConfig (the operator CLI)', () => {
  it('reads only the variables that locate the table: no secret needed in production, a bad PORT is not its business', () => {
    const config = loadStoreConfig({
      NODE_ENV: 'production',
      PORT: 'not-a-port',
      SESSION_SECRET: 'short',
      SESSION_STORE: 'dynamodb',
      SESSION_TABLE: 'prod-sessions',
      DYNAMODB_ENDPOINT: 'https://dynamodb.eu-west-1.amazonaws.com',
    })
    expect(config).toEqual({
      store: 'dynamodb',
      storeDefaulted: false,
      dynamodb: {
        endpoint: 'https://dynamodb.eu-west-1.amazonaws.com',
        region: undefined,
        table: 'prod-sessions',
        createTable: false,
        consistentReads: 'strong',
        timeoutMs: 2000,
        hasAccessKey: false,
      },
    })
  })

  it('still refuses a bad value of a variable it uses', () => {
    expect(() => loadStoreConfig({ DYNAMODB_ENDPOINT: 'localhost:8000' })).toThrow(/DYNAMODB_ENDPOINT must be an http\(s\) URL/)
    expect(() => loadStoreConfig({ SESSION_TABLE: 'x' })).toThrow(/SESSION_TABLE/)
  })
})

describe('the server process with a bad configuration', () => {
  it.each([
    [{ PORT: 'not-a-port', SESSION_STORE: 'memory' }, 'PORT'],
    // Used to pass validation and then retry for about 50 s with "err":"Unknown".
    [{ DYNAMODB_ENDPOINT: 'localhost:8000', SESSION_STORE: 'dynamodb' }, 'DYNAMODB_ENDPOINT'],
    [{ NODE_ENV: 'staging', SESSION_STORE: 'memory' }, 'NODE_ENV'],
  ])('%j exits 1 at once with one line naming %s', (env, name) => {
    const started = Date.now()
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
      env: { PATH: process.env.PATH, ...env },
      encoding: 'utf8',
      timeout: 30_000,
    })
    expect(result.status).toBe(1)
    expect(Date.now() - started).toBeLessThan(15_000)
    const lines = result.stderr.trim().split('\n').filter((l) => l.startsWith('Configuration error'))
    expect(lines).toEqual([expect.stringContaining(name)])
  })
})
