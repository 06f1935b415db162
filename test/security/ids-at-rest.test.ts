import { DescribeTableCommand } from '@aws-sdk/client-dynamodb'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MemorySessionRepository } from '../../src/adapters/memory-session-repository.js'
import { testApp } from '../support/app.js'
import { SECRET } from '../support/secrets.js'
import { CookieJar } from '../support/cookie-jar.js'
import { freshTable } from '../support/dynamodb.js'
import { CountingRepository } from '../../src/testing/counting-repository.js'
import { expectedKeyFor, idOf, jsonHeaders, signedWith } from './cookies.js'

type Client = ReturnType<ReturnType<typeof testApp>['client']>

/** A visit, a login and more visits for two visitors; returns every cookie value handed out. */
async function browse(app: ReturnType<typeof testApp>): Promise<{ issued: string[]; live: string[] }> {
  const issued = new Set<string>()
  const seen = async (client: Client, path: string, init?: RequestInit) => {
    await client.request(path, init)
    issued.add(client.jar.get('sid')!)
  }
  const alice = app.client()
  const bob = app.client()
  await seen(alice, '/private')
  await seen(bob, '/private')
  await seen(alice, '/login', { method: 'POST', headers: jsonHeaders, body: '{"user":"alice"}' })
  await seen(alice, '/private')
  await seen(bob, '/private')
  return { issued: [...issued], live: [alice.jar.get('sid')!, bob.jar.get('sid')!] }
}

describe('session ids at rest [DynamoDB Local]', () => {
  let table: Awaited<ReturnType<typeof freshTable>>
  beforeAll(async () => {
    table = await freshTable('ids-at-rest')
  })
  afterAll(() => table.drop())

  it('keys the table by the SHA-256 of the id: no item holds a session id, signature or cookie anywhere', async () => {
    const app = testApp({ repository: table.repository })
    const { issued, live } = await browse(app)
    expect(issued.length).toBeGreaterThanOrEqual(3) // the login added a new id

    const items = await table.scan()
    // The login bound alice: her index item (keyed by a hash of her user id) lists her session by its storage key.
    const indexes = items.filter((item) => item.id?.S?.startsWith('user:'))
    expect(indexes).toHaveLength(1)
    expect(Object.keys(indexes[0]!.sessions?.M ?? {})).toEqual([expectedKeyFor(idOf(live[0]!))])
    expect(JSON.stringify(indexes[0])).not.toContain('alice')
    const sessions = items.filter((item) => item.retiredUntil === undefined && !item.id?.S?.startsWith('user:'))
    expect(sessions.map((item) => item.id?.S).sort()).toEqual(live.map((c) => expectedKeyFor(idOf(c))).sort())
    // The pre-login id left a marker for its grace window: its hashed key and deadlines, nothing more.
    const markers = items.filter((item) => item.retiredUntil !== undefined)
    expect(markers).toHaveLength(1)
    expect(Object.keys(markers[0]!).sort()).toEqual(['expires', 'id', 'retiredUntil'])
    const everything = JSON.stringify(items)
    for (const cookie of issued) {
      const [id, signature] = cookie.split('.') as [string, string]
      expect(everything).not.toContain(id)
      expect(everything).not.toContain(signature)
    }
  })

  it('has the hashed key as its only key attribute', async () => {
    const out = await table.client.send(new DescribeTableCommand({ TableName: table.tableName }))
    expect(out.Table?.KeySchema).toEqual([{ AttributeName: 'id', KeyType: 'HASH' }])
  })

  it('does not let a key read from the table be replayed as a cookie, even signed with the real secret', async () => {
    const app = testApp({ repository: table.repository })
    const alice = app.client()
    await alice.request('/private')
    await alice.request('/private')
    const key = expectedKeyFor(idOf(alice.jar.get('sid')!))
    expect((await table.scan()).some((item) => item.id?.S === key)).toBe(true)

    const jar = new CookieJar()
    jar.set('sid', signedWith(SECRET, key))
    const thief = app.client(jar)
    expect(await (await thief.request('/private')).text()).toBe('The /private page has been visited 1 times.')
    expect(await (await alice.request('/private')).text()).toBe('The /private page has been visited 3 times.')
  })
})

describe('session ids at rest [memory]', () => {
  it('hands the store only SHA-256 keys, never an id', async () => {
    const repository = new CountingRepository(new MemorySessionRepository())
    const { issued } = await browse(testApp({ repository }))
    const ids = issued.map(idOf)
    const hashes = new Set(ids.map(expectedKeyFor))
    expect(repository.calls.length).toBeGreaterThan(0)
    for (const call of repository.calls) {
      expect(hashes.has(call.key)).toBe(true)
      expect(ids).not.toContain(call.key)
    }
  })
})
