import { describe, expect, it } from 'vitest'
import { SessionConflictError, SessionRetiredError, SessionUsageError } from '../domain/errors.js'
import { RequestSession } from '../domain/request-session.js'
import type { SessionPolicy } from '../domain/session.js'
import { handleFor } from '../domain/session-handle.js'
import { storageKeyFor } from '../domain/session-id.js'
import type { SessionRepository } from '../domain/session-repository.js'
import { releasedAfterEach, type ContractFactory } from './contract-support.js'

// The identity lifecycle (src/domain/session-lifecycle.ts) as the port must enforce it:
// each case is one of the defects two identity changes used to produce together.

const NOW = 1_900_000_000
const POLICY: SessionPolicy = { ttlSeconds: 3600, maxAgeSeconds: 7 * 86_400, refreshThreshold: 0.5, maxBytes: 300_000, renewSeconds: 0, renewGraceSeconds: 30 }
const RENEWING: SessionPolicy = { ...POLICY, renewSeconds: 1 }

const someone = () => `user-${crypto.randomUUID()}`

/** A request at `at`, with the cookie `id`; returns what the handler's work returned and the id the client ends with. */
async function visit<T>(repo: SessionRepository, id: string | null, at: number, work: (unit: RequestSession) => Promise<T>, policy = POLICY) {
  const unit = new RequestSession(repo, policy, () => at, id, { device: () => 'Firefox on Linux' })
  const value = await work(unit)
  const { identity } = await unit.commit()
  return { value, id: identity.kind === 'issued' ? identity.id : identity.kind === 'ended' ? null : id }
}

const login = async (repo: SessionRepository, userId: string, at = NOW) => (await visit(repo, null, at, (u) => u.login(userId))).id!
const count = (repo: SessionRepository, id: string | null, at: number) => visit(repo, id, at, (u) => u.get('n'))

export function lifecycleContract(name: string, factory: ContractFactory): void {
  describe(`identity lifecycle contract: ${name}`, () => {
    const make = releasedAfterEach(factory)
    it('a logout with a cookie renewed moments ago ends the renewed session too', async () => {
      const { repository } = await make()
      const first = (await visit(repository, null, NOW, (u) => u.increment('n'))).id!
      const renewed = (await visit(repository, first, NOW + 5, (u) => u.increment('n'), RENEWING)).id!
      expect(renewed).not.toBe(first)
      await expect(repository.end(await storageKeyFor(first), NOW + 6)).rejects.toBeInstanceOf(SessionRetiredError)
      const out = await visit(repository, first, NOW + 6, (u) => u.destroy())
      expect(out.id).toBeNull()
      expect(await repository.load(await storageKeyFor(renewed), NOW + 7)).toBeNull()
      expect((await count(repository, renewed, NOW + 7)).value).toBeUndefined()
    })

    it('a revocation finds a session renewed after it was listed; a renewal after a revocation loses', async () => {
      const { repository } = await make()
      const user = someone()
      const a = await login(repository, user)
      const b = await login(repository, user)
      const handleOfB = (await visit(repository, a, NOW + 1, (u) => u.userSessions())).value.find((s) => !s.current)!.handle
      // B renews between the listing and the revocation: its handle stays, and the successor is ended.
      const bRenewed = (await visit(repository, b, NOW + 5, (u) => u.increment('n'), RENEWING)).id!
      expect(bRenewed).not.toBe(b)
      expect(await handleFor(await storageKeyFor(b))).toBe(handleOfB)
      expect((await visit(repository, a, NOW + 6, (u) => u.revokeSession(handleOfB))).value).toBe(true)
      expect(await repository.load(await storageKeyFor(bRenewed), NOW + 7)).toBeNull()
      // A renewal that comes after a revocation finds nothing to move.
      const c = await login(repository, user, NOW + 8)
      await visit(repository, a, NOW + 9, (u) => u.revokeOtherSessions())
      const late = await visit(repository, c, NOW + 20, (u) => u.get('n'), RENEWING)
      expect(late.id).toBe(c)
      expect(await repository.load(await storageKeyFor(c), NOW + 21)).toBeNull()
      expect((await repository.listUserSessions(user, NOW + 21)).map((s) => s.key)).toEqual([await storageKeyFor(a)])
    })

    it('racing logins of one user leave at most the cap live, all of them listed', async () => {
      const { repository } = await make({ maxSessionsPerUser: 3 })
      const user = someone()
      const results = await Promise.allSettled(Array.from({ length: 12 }, (_, i) => login(repository, user, NOW + i)))
      const ids = results.filter((r) => r.status === 'fulfilled').map((r) => (r as PromiseFulfilledResult<string>).value)
      for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(SessionConflictError)
      const live = []
      for (const id of ids) if (await repository.load(await storageKeyFor(id), NOW + 20)) live.push(await storageKeyFor(id))
      expect(live.length).toBeLessThanOrEqual(3)
      expect(live.length).toBeGreaterThan(0)
      expect((await repository.listUserSessions(user, NOW + 20)).map((s) => s.key).sort()).toEqual(live.sort())
    })

    it('a user logging in 60 times under a cap of 10 keeps exactly the 10 newest', async () => {
      const { repository } = await make({ maxSessionsPerUser: 10 })
      const user = someone()
      const ids: string[] = []
      for (let i = 0; i < 60; i++) ids.push(await login(repository, user, NOW + i))
      const listed = (await repository.listUserSessions(user, NOW + 100)).map((s) => s.key).sort()
      expect(listed).toEqual((await Promise.all(ids.slice(-10).map((id) => storageKeyFor(id)))).sort())
    })

    it('counters are safe integers on every store: what the handler gets back is what is stored', async () => {
      const { repository } = await make()
      const id = (await visit(repository, null, NOW, async (u) => u.set('x', 0.1))).id!
      await expect(visit(repository, id, NOW + 1, (u) => u.increment('x', 1))).rejects.toBeInstanceOf(SessionUsageError)
      await expect(visit(repository, id, NOW + 1, (u) => u.increment('y', 0.2))).rejects.toBeInstanceOf(SessionUsageError)
      await expect(visit(repository, id, NOW + 1, (u) => u.increment('y', 2 ** 53))).rejects.toBeInstanceOf(SessionUsageError)
      await visit(repository, id, NOW + 1, async (u) => u.set('big', Number.MAX_SAFE_INTEGER))
      await expect(visit(repository, id, NOW + 1, (u) => u.increment('big', 1))).rejects.toBeInstanceOf(SessionUsageError)
      // Increment, then set in one request, nobody else writing: saved.
      await visit(repository, id, NOW + 2, async (u) => {
        expect(await u.increment('z', 5)).toBe(5)
        u.set('z', 0)
      })
      const stored = (await repository.load(await storageKeyFor(id), NOW + 3))!.data
      expect(stored).toEqual({ x: 0.1, big: Number.MAX_SAFE_INTEGER, z: 0 })
    })

    it('a request that fails after an increment leaves nothing, even when another request renewed the session meanwhile', async () => {
      const { repository } = await make()
      const id = (await visit(repository, null, NOW, (u) => u.increment('n'))).id!
      const failing = new RequestSession(repository, RENEWING, () => NOW + 5, id)
      expect(await failing.increment('n')).toBe(2)
      // Another request renews the id, carrying the failing request's increment over.
      const renewed = (await visit(repository, id, NOW + 5, (u) => u.increment('n'), RENEWING)).id!
      expect(renewed).not.toBe(id)
      await failing.abort()
      expect((await count(repository, renewed, NOW + 6)).value).toBe(2)
    })
  })
}
