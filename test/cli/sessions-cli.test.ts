import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { toEpochSeconds } from '../../src/domain/session.js'
import { endpoint } from '../support/dynamodb.js'
import { runCli } from './run-cli.js'
import { putConnectDynamoDbSession, putSession, tableWithoutTtl } from './session-items.js'

describe('npm run sessions (the operator CLI) against DynamoDB Local', () => {
  const now = toEpochSeconds(Date.now())
  const SECRET_VALUE = 'card-4111-do-not-print'
  let table: Awaited<ReturnType<typeof tableWithoutTtl>>
  let env: Record<string, string>

  beforeAll(async () => {
    table = await tableWithoutTtl('cli')
    env = { SESSION_STORE: 'dynamodb', DYNAMODB_ENDPOINT: endpoint(), SESSION_TABLE: table.tableName }
    const put = (key: string, expires: number, maxExpires: number) =>
      putSession(table.client, table.tableName, { key, expires, maxExpires, createdAt: now - 100, data: { note: SECRET_VALUE } })
    await put('live-a', now + 3600, now + 86_400)
    await put('live-b', now + 600, now + 1200)
    await put('idle-expired', now - 5, now + 86_400)
    await put('absolute-expired', now + 3600, now - 5)
    await putConnectDynamoDbSession(table.client, table.tableName, 'sess:express-live', now + 3600)
    await putConnectDynamoDbSession(table.client, table.tableName, 'sess:express-expired', now - 5)
  })
  afterAll(async () => {
    await table?.drop()
  })

  it('count prints live and expired sessions, and counts connect-dynamodb items apart', async () => {
    const run = await runCli(['count'], env, 'npm')
    expect(run.code, run.stderr).toBe(0)
    expect(run.stdout.trim().split('\n')).toEqual([
      'sessions: 4',
      '  live: 2',
      '  expired: 2',
      'other items: 2 (not sessions of this library, e.g. connect-dynamodb sess: items; 1 expired)',
    ])
  })

  it('reads only what it uses: NODE_ENV=production without SESSION_SECRET, and a PORT it never opens, are fine', async () => {
    const run = await runCli(['count'], { ...env, NODE_ENV: 'production', PORT: 'not-a-port' })
    expect(run.code, run.stderr).toBe(0)
    expect(run.stdout).toContain('sessions: 4')
  })

  it.each([
    [['count', '--page-size', '99999999999999999999']],
    [['count', '--page-size', '0']],
    [['count', '--page-size', '-3']],
    [['count', '--page-size', '2.5']],
    [['count', '--page-size', 'ten']],
    [['count', '--page-size=1e3']],
    [['count', '--page-size']],
  ])('%j is a usage error: exit 2 naming the option, before any DynamoDB call', async (args) => {
    // An unreachable endpoint: had the CLI scanned, it would fail with 1 instead.
    const run = await runCli(args, { ...env, DYNAMODB_ENDPOINT: 'http://127.0.0.1:9' })
    expect(run.code).toBe(2)
    expect(run.stderr.split('\n')[0]).toMatch(/^--page-size needs a whole number from 1 to 1000000/)
  })

  it('--page-size=N is accepted as well as --page-size N', async () => {
    const run = await runCli(['count', '--page-size=1'], env)
    expect(run.code, run.stderr).toBe(0)
    expect(run.stdout).toContain('sessions: 4')
  })

  it('list prints one line per item with deadlines, version, size and expired, never the session data, paging with a progress line', async () => {
    const run = await runCli(['list', '--page-size', '2', '--progress'], env)
    expect(run.code, run.stderr).toBe(0)
    const [header, ...rows] = run.stdout.trim().split('\n')
    expect(header!.split(/\s+/)).toEqual(['key', 'createdAt', 'expires', 'maxExpires', 'version', 'bytes', 'expired'])
    const byKey = new Map(rows.map((row) => [row.split(/\s+/)[0], row.split(/\s+/)]))
    expect([...byKey.keys()].sort()).toEqual(
      ['absolute-expired', 'idle-expired', 'live-a', 'live-b', 'sess:express-expired', 'sess:express-live'],
    )
    const iso = (epoch: number) => new Date(epoch * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')
    const [, createdAt, expires, maxExpires, version, bytes, expired] = byKey.get('live-a')!
    expect({ createdAt, expires, maxExpires, version, expired }).toEqual({
      createdAt: iso(now - 100),
      expires: iso(now + 3600),
      maxExpires: iso(now + 86_400),
      version: '1',
      expired: 'no',
    })
    // The data map holds one string of 22 characters, so the item is well over that and far under a kilobyte.
    expect(Number(bytes)).toBeGreaterThan(SECRET_VALUE.length)
    expect(Number(bytes)).toBeLessThan(1024)
    expect(byKey.get('idle-expired')!.at(-1)).toBe('yes')
    expect(byKey.get('absolute-expired')!.at(-1)).toBe('yes')
    expect(byKey.get('live-b')!.at(-1)).toBe('no')
    // connect-dynamodb's items have no createdAt, maxExpires or version.
    expect(byKey.get('sess:express-live')!.slice(1)).toEqual(['-', iso(now + 3600), '-', '-', expect.any(String), 'no'])
    expect(byKey.get('sess:express-expired')!.at(-1)).toBe('yes')

    expect(run.stdout).not.toContain(SECRET_VALUE)
    expect(run.stdout).not.toContain('bob')
    // Six items in pages of two: the progress line is rewritten as pages arrive.
    expect(run.stderr).toContain('\rscanned 2 items…')
    expect(run.stderr).toContain('\rscanned 6 items…')
  })

  it('purge-expired deletes exactly the expired items, after which count finds none expired', async () => {
    const run = await runCli(['purge-expired'], env)
    expect(run.code, run.stderr).toBe(0)
    expect(run.stdout).toContain('scanned: 6')
    expect(run.stdout).toContain('deleted: 3')
    expect(run.stdout).toContain('skipped: 0')
    expect(await table.keys()).toEqual(['live-a', 'live-b', 'sess:express-live'])

    const after = await runCli(['count'], env)
    expect(after.stdout.trim().split('\n')).toEqual([
      'sessions: 2',
      '  live: 2',
      '  expired: 0',
      'other items: 1 (not sessions of this library, e.g. connect-dynamodb sess: items; 0 expired)',
    ])
  })

  it('refuses to run without SESSION_STORE=dynamodb, naming the variable, and reports a missing table', async () => {
    const memory = await runCli(['count'], { ...env, SESSION_STORE: '' })
    expect(memory.code).toBe(2)
    expect(memory.stderr).toContain('SESSION_STORE=dynamodb')

    const missing = await runCli(['count'], { ...env, SESSION_TABLE: `${table.tableName}-missing` })
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain(`Table "${table.tableName}-missing" not found`)

    const badEndpoint = await runCli(['count'], { ...env, DYNAMODB_ENDPOINT: 'localhost:8000' })
    expect(badEndpoint.code).toBe(2)
    expect(badEndpoint.stderr).toContain('DYNAMODB_ENDPOINT must be an http(s) URL')

    const unknown = await runCli(['frobnicate'], env)
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain('Unknown command "frobnicate"')
  })
})
