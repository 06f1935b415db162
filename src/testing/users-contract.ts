import { beforeEach, describe, expect, it } from 'vitest'
import { SessionUsageError } from '../domain/errors.js'
import { RequestSession } from '../domain/request-session.js'
import { storageKeyFor } from '../domain/session-id.js'
import type { SessionRepository } from '../domain/session-repository.js'
import { existingId, freshRepositoryEachTest, releasedAfterEach, LIFETIME, NOW, POLICY, unitFor, type ContractFactory } from './contract-support.js'

// Sessions bound to users: listed, capped, revoked, and kept right across renewals and logins.

export function usersContract(name: string, factory: ContractFactory): void {
  describe(`SessionRepository contract, users and their sessions: ${name}`, () => {
    const make = releasedAfterEach(factory)
    const current = freshRepositoryEachTest(factory)
    let repository: SessionRepository
    beforeEach(() => {
      repository = current()
    })

    const someone = () => `user-${Math.random().toString(36).slice(2)}`
    /** Logs in as `userId` from `id` (or from no session), as a request would; returns the new id. */
    async function login(repo: SessionRepository, userId: string, id: string | null = null, at = NOW) {
      const unit = new RequestSession(repo, POLICY, () => at, id, { device: () => 'Firefox on Linux' })
      await unit.login(userId)
      const { identity } = await unit.commit()
      if (identity.kind !== 'issued') throw new Error('login issued no id')
      return identity.id
    }

    it('login binds the session: the user lists it, with its device, and its handle is neither id nor key', async () => {
      const alice = someone()
      const before = await existingId(repository, { views: 3 })
      const id = await login(repository, alice, before)
      const key = await storageKeyFor(id)
      expect(await repository.listUserSessions(alice, NOW)).toEqual([{ key, createdAt: NOW, expires: NOW + LIFETIME.ttlSeconds, device: 'Firefox on Linux', lineage: key }])
      const unit = unitFor(repository, id)
      expect(await unit.userId()).toBe(alice)
      expect(await unit.get('views')).toBe(3)
      const [listed] = await unit.userSessions()
      expect(listed).toMatchObject({ current: true, userAgent: 'Firefox on Linux', createdAt: NOW })
      expect(listed!.handle).not.toBe(id)
      expect(listed!.handle).not.toBe(key)
      expect(id).not.toContain(listed!.handle)
      expect(key).not.toContain(listed!.handle)
    })

    it('three sessions of one user and one of another: listed apart, revoked one by one or all at once', async () => {
      const [alice, bob] = [someone(), someone()]
      const ids = [await login(repository, alice), await login(repository, alice), await login(repository, alice)]
      const bobs = await login(repository, bob)
      const keys = await Promise.all(ids.map((id) => storageKeyFor(id)))
      expect((await repository.listUserSessions(alice, NOW)).map((s) => s.key).sort()).toEqual([...keys].sort())
      // Another user's session is not alice's to revoke.
      expect(await repository.revokeUserSessions(alice, { only: [await storageKeyFor(bobs)] }, NOW)).toBe(0)
      expect(await repository.load(await storageKeyFor(bobs), NOW)).not.toBeNull()
      // Through a request: revoke by handle, then the others.
      const current = unitFor(repository, ids[0]!)
      const listed = await current.userSessions()
      expect(listed.filter((s) => s.current)).toHaveLength(1)
      const other = listed.find((s) => !s.current)!
      expect(await current.revokeSession(other.handle)).toBe(true)
      expect(await current.revokeSession(other.handle)).toBe(false)
      expect(await current.revokeSession('not-a-handle')).toBe(false)
      expect((await repository.listUserSessions(alice, NOW))).toHaveLength(2)
      await current.revokeOtherSessions()
      expect((await repository.listUserSessions(alice, NOW)).map((s) => s.key)).toEqual([keys[0]])
      // A login that has just answered is ended by a logout everywhere that starts after it.
      const fresh = await login(repository, alice)
      const everywhere = unitFor(repository, ids[0]!)
      await everywhere.logoutEverywhere()
      expect((await everywhere.commit()).identity.kind).toBe('ended')
      expect(await repository.load(await storageKeyFor(fresh), NOW)).toBeNull()
      expect(await repository.load(keys[0]!, NOW)).toBeNull()
      expect(await repository.listUserSessions(alice, NOW)).toEqual([])
      expect(await repository.listUserSessions(bob, NOW)).toHaveLength(1)
    })

    it('a login beyond the cap ends the oldest session of that user', async () => {
      const capped = (await make({ maxSessionsPerUser: 3 })).repository
      const carol = someone()
      const ids: string[] = []
      // A second apart, so "oldest" is well defined.
      for (let i = 0; i < 4; i++) ids.push(await login(capped, carol, null, NOW - 10 + i))
      const listed = (await capped.listUserSessions(carol, NOW)).map((s) => s.key).sort()
      expect(listed).toEqual((await Promise.all(ids.slice(1).map((id) => storageKeyFor(id)))).sort())
      expect(await capped.load(await storageKeyFor(ids[0]!), NOW)).toBeNull()
    })

    it('renewal and a new login as someone else keep the user index right', async () => {
      const [dave, erin] = [someone(), someone()]
      const id = await login(repository, dave)
      // Renewal: the id changes, the binding and the index follow.
      const renewing = new RequestSession(repository, { ...POLICY, renewSeconds: 1 }, () => NOW + 10, id)
      await renewing.increment('views')
      const { identity } = await renewing.commit()
      expect(identity.kind).toBe('issued')
      const renewed = (identity as { id: string }).id
      expect(renewed).not.toBe(id)
      expect((await repository.listUserSessions(dave, NOW + 10)).map((s) => s.key)).toEqual([await storageKeyFor(renewed)])
      expect(await unitFor(repository, renewed).userId()).toBe(dave)
      // Logging in as another user from that session moves it out of dave's list.
      const asErin = await login(repository, erin, renewed)
      expect(await repository.listUserSessions(dave, NOW + 10)).toEqual([])
      expect((await repository.listUserSessions(erin, NOW + 10)).map((s) => s.key)).toEqual([await storageKeyFor(asErin)])
    })

    it('refuses an empty or over-long user id', async () => {
      const unit = unitFor(repository, null)
      await expect(unit.login('')).rejects.toBeInstanceOf(SessionUsageError)
      await expect(unit.login('u'.repeat(257))).rejects.toBeInstanceOf(SessionUsageError)
    })
  })
}
