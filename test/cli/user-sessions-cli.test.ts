import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { toEpochSeconds, type StoredSession } from '../../src/domain/session.js'
import { endpoint, freshTable } from '../support/dynamodb.js'
import { runCli } from './run-cli.js'

const TTL = 3600
const iso = (epoch: number) => new Date(epoch * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')

describe('npm run sessions -- list --user / revoke-user, against DynamoDB Local', () => {
  const now = toEpochSeconds(Date.now())
  let table: Awaited<ReturnType<typeof freshTable>>
  let env: Record<string, string>

  /** A session as the repository stores it after a login of `user` (the user index written in the same transaction). */
  const session = (key: string, createdAt: number, lastWrite: number, user?: { id: string; device: string }): StoredSession => ({
    key,
    data: { note: 'card-4111-do-not-print' },
    createdAt,
    expires: lastWrite + TTL,
    maxExpires: createdAt + 7 * 86_400,
    version: 1,
    ...(user ? { user } : {}),
  })

  beforeAll(async () => {
    table = await freshTable('cli-users')
    env = { SESSION_STORE: 'dynamodb', DYNAMODB_ENDPOINT: endpoint(), SESSION_TABLE: table.tableName, SESSION_TTL_SECONDS: String(TTL) }
    const { repository } = table
    await repository.create(session('alice-laptop', now - 300, now - 60, { id: 'alice', device: 'Firefox on Linux' }))
    await repository.create(session('alice-phone', now - 200, now - 200, { id: 'alice', device: 'Safari on iOS' }))
    await repository.create(session('alice-tablet', now - 100, now - 10, { id: 'alice', device: 'Chrome on Android' }))
    await repository.create(session('bob-desktop', now - 50, now - 50, { id: 'bob', device: 'Edge on Windows' }))
    await repository.create(session('anonymous', now - 40, now - 40))
  })
  afterAll(async () => {
    await table?.drop()
  })

  const rowsOf = (stdout: string) => stdout.trim().split('\n').map((line) => line.split(/\s{2,}/))

  it('list --user prints the user\'s sessions from the index, newest first: key, createdAt, last seen, expires, device; never data', async () => {
    const run = await runCli(['list', '--user', 'alice'], env, 'npm')
    expect(run.code, run.stderr).toBe(0)
    const [header, ...rows] = rowsOf(run.stdout)
    expect(header).toEqual(['key', 'createdAt', 'lastSeen', 'expires', 'device'])
    expect(rows).toEqual([
      ['alice-tablet', iso(now - 100), iso(now - 10), iso(now - 10 + TTL), 'Chrome on Android'],
      ['alice-phone', iso(now - 200), iso(now - 200), iso(now - 200 + TTL), 'Safari on iOS'],
      ['alice-laptop', iso(now - 300), iso(now - 60), iso(now - 60 + TTL), 'Firefox on Linux'],
    ])
    expect(run.stdout).not.toContain('card-4111')

    const nobody = await runCli(['list', '--user=nobody'], env)
    expect(nobody.code, nobody.stderr).toBe(0)
    expect(rowsOf(nobody.stdout)).toEqual([['key', 'createdAt', 'lastSeen', 'expires', 'device']])
  })

  it('revoke-user ends every session of the user, with a progress line on stderr; bob and the anonymous session stay', async () => {
    const run = await runCli(['revoke-user', 'alice'], env, 'npm')
    expect(run.code, run.stderr).toBe(0)
    expect(run.stdout.trim()).toBe('revoked: 3')
    expect(run.stderr).toContain('revoking the sessions of user "alice"…')
    expect(run.stderr).toContain('revoked 3 sessions of user "alice"')

    for (const key of ['alice-laptop', 'alice-phone', 'alice-tablet']) expect(await table.repository.load(key, now)).toBeNull()
    expect(await table.repository.load('bob-desktop', now)).not.toBeNull()
    expect(await table.repository.load('anonymous', now)).not.toBeNull()
    expect((await table.repository.listUserSessions('bob', now)).map((s) => s.key)).toEqual(['bob-desktop'])
    expect(rowsOf((await runCli(['list', '--user', 'alice'], env)).stdout)).toHaveLength(1)

    const again = await runCli(['revoke-user', 'alice'], env)
    expect(again.code, again.stderr).toBe(0)
    expect(again.stdout.trim()).toBe('revoked: 0')
  })

  it.each([
    [['revoke-user'], 'revoke-user needs a user id'],
    [['revoke-user', '--user', 'alice'], 'revoke-user takes the user id as its argument'],
    [['list', '--user'], '--user needs a user id'],
    [['list', '--user', 'x'.repeat(257)], 'a user id is at most 256 characters'],
    [['count', '--user', 'alice'], '--user goes with list only'],
    [['purge-expired', '--user', 'alice'], '--user goes with list only'],
  ])('%j is a usage error: exit 2, before any DynamoDB call', async (args, message) => {
    // An unreachable endpoint: had the CLI called DynamoDB, it would fail with 1 instead.
    const run = await runCli(args, { ...env, DYNAMODB_ENDPOINT: 'http://127.0.0.1:9' })
    expect(run.code, run.stderr).toBe(2)
    expect(run.stderr.split('\n')[0]).toContain(message)
  })

  it('a bad SESSION_TTL_SECONDS is a configuration error, exit 2', async () => {
    const run = await runCli(['list', '--user', 'bob'], { ...env, SESSION_TTL_SECONDS: 'a day' })
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('SESSION_TTL_SECONDS')
  })
})
