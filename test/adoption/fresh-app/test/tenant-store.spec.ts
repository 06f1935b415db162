import { MemorySessionRepository } from 'hono-dynamodb-session'
import { sessionRepositoryContract } from 'hono-dynamodb-session/testing'
import { expect, it } from 'vitest'
import { TenantStore } from '../src/tenant-store.js'

// The package's contract suite, from its `testing` entry, against a store this app wrote.
sessionRepositoryContract('TenantStore over MemorySessionRepository', async (options = {}) => ({
  repository: new TenantStore(new MemorySessionRepository({ ...options, latencyMs: 1 }), 'shop'),
}))

it('keeps tenants apart: one cannot load, list or end what another stored', async () => {
  const shared = new MemorySessionRepository()
  const [shop, blog] = [new TenantStore(shared, 'shop'), new TenantStore(shared, 'blog')]
  const now = Math.floor(Date.now() / 1000)
  const session = { key: 'k1', data: { cart: ['a'] }, createdAt: now, expires: now + 60, maxExpires: now + 600, version: 1, user: { id: 'ada', device: 'test' } }
  await shop.create(session)
  expect((await shop.load('k1', now))?.data).toEqual({ cart: ['a'] })
  expect(await blog.load('k1', now)).toBeNull()
  expect((await shop.listUserSessions('ada', now)).map((s) => s.key)).toEqual(['k1'])
  expect(await blog.listUserSessions('ada', now)).toEqual([])
  expect(await blog.end('k1', now)).toBe(false)
  expect(await shop.load('k1', now)).not.toBeNull()
})
