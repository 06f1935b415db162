import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { SessionConflictError, SessionUsageError } from '../../src/domain/errors.js'
import { RequestSession } from '../../src/domain/request-session.js'
import type { SessionPolicy } from '../../src/domain/session.js'
import { newStoredSession, type StoredSession } from '../../src/domain/session.js'
import { generateSessionId, storageKeyFor } from '../../src/domain/session-id.js'
import type { SessionRepository } from '../../src/domain/session-repository.js'

export interface ContractSubject {
  readonly repository: SessionRepository
  cleanup(): Promise<void>
}

const NOW = Math.floor(Date.now() / 1000)
const LIFETIME = { ttlSeconds: 3600, maxAgeSeconds: 7 * 86400 }
const POLICY: SessionPolicy = { ...LIFETIME, refreshThreshold: 0.5, maxBytes: 300_000, renewSeconds: 0, renewGraceSeconds: 30 }

const randomKey = () => storageKeyFor(generateSessionId())

async function stored(data: Record<string, unknown> = {}, overrides: Partial<StoredSession> = {}): Promise<StoredSession> {
  return { ...newStoredSession(await randomKey(), data, NOW, LIFETIME), ...overrides }
}

/** A session id whose session already exists in the repository, with `data`. */
async function existingId(repository: SessionRepository, data: Record<string, unknown>): Promise<string> {
  const id = generateSessionId()
  await repository.create(newStoredSession(await storageKeyFor(id), data, NOW, LIFETIME))
  return id
}

const unitFor = (repository: SessionRepository, id: string | null) => new RequestSession(repository, POLICY, () => NOW, id)

/**
 * What the SessionRepository port means. Every adapter runs this suite with a
 * factory that returns a fresh, isolated repository.
 */
/** Options every adapter takes. */
export interface ContractOptions {
  readonly maxSessionsPerUser?: number
}

export function sessionRepositoryContract(name: string, factory: (options?: ContractOptions) => Promise<ContractSubject>): void {
  describe(`SessionRepository contract: ${name}`, () => {
    let subject: ContractSubject
    let repository: SessionRepository
    beforeEach(async () => {
      subject = await factory()
      repository = subject.repository
    })
    afterEach(async () => {
      await subject.cleanup()
    })

    it('load(key) returns null for an unknown key', async () => {
      expect(await repository.load(await randomKey(), NOW)).toBeNull()
    })

    it('round-trips nested JSON data: unicode, numbers, nulls, arrays', async () => {
      const data = {
        name: 'Zoë 🚀 — 東京',
        count: 42,
        ratio: -0.125,
        big: 1e21,
        nothing: null,
        yes: true,
        empty: '',
        list: [1, 'two', null, { three: [3] }, []],
        nested: { deeper: { deepest: { value: 'ok', n: 0 } }, emptyObject: {} },
      }
      const session = await stored(data)
      await repository.create(session)
      const loaded = await repository.load(session.key, NOW)
      expect(loaded).not.toBeNull()
      expect(loaded!.data).toEqual(data)
      expect(loaded!.version).toBe(1)
      expect(loaded!.expires).toBe(session.expires)
      expect(loaded!.maxExpires).toBe(session.maxExpires)
      expect(loaded!.createdAt).toBe(session.createdAt)
    })

    it('round-trips a payload of about 100 KB', async () => {
      const blob = 'x'.repeat(50_000) + 'ü'.repeat(25_000)
      const session = await stored({ blob, list: Array.from({ length: 200 }, (_, i) => i) })
      await repository.create(session)
      const loaded = await repository.load(session.key, NOW)
      expect((loaded!.data as { blob: string }).blob).toBe(blob)
      expect((loaded!.data as { list: number[] }).list).toHaveLength(200)
    })

    it('create() refuses a key that is already taken', async () => {
      const session = await stored({ a: 1 })
      await repository.create(session)
      await expect(repository.create({ ...session, data: { a: 2 } })).rejects.toBeInstanceOf(SessionConflictError)
      expect((await repository.load(session.key, NOW))!.data).toEqual({ a: 1 })
    })

    it('end() removes a live session (true), and ending an absent one is fine (false)', async () => {
      const session = await stored({ a: 1 })
      await repository.create(session)
      expect(await repository.end(session.key, NOW)).toBe(true)
      expect(await repository.load(session.key, NOW)).toBeNull()
      expect(await repository.end(session.key, NOW)).toBe(false)
    })

    it('treats a session past its idle deadline as absent', async () => {
      const session = await stored({ a: 1 }, { expires: NOW - 1 })
      await repository.create(session)
      expect(await repository.load(session.key, NOW)).toBeNull()
      expect(await repository.increment(session.key, 'a', 1, NOW + 100, NOW)).toBeNull()
      expect(await repository.update(session.key, { set: { b: 1 }, remove: [], expires: NOW + 100 }, NOW)).toBeNull()
    })

    it('treats a session past its absolute deadline as absent, however fresh its idle deadline', async () => {
      const session = await stored({ a: 1 }, { maxExpires: NOW })
      await repository.create(session)
      expect(await repository.load(session.key, NOW)).toBeNull()
      expect(await repository.load(session.key, NOW - 1)).not.toBeNull()
      expect(await repository.increment(session.key, 'a', 1, NOW + 100, NOW)).toBeNull()
    })

    it('keeps sessions independent', async () => {
      const one = await stored({ who: 'one' })
      const two = await stored({ who: 'two' })
      await repository.create(one)
      await repository.create(two)
      await repository.update(one.key, { set: { who: 'uno' }, remove: [], expires: NOW + 10 }, NOW)
      await repository.end(two.key, NOW)
      expect((await repository.load(one.key, NOW))!.data).toEqual({ who: 'uno' })
      expect(await repository.load(two.key, NOW)).toBeNull()
    })

    it('update() sets and removes top-level keys, keeps the others, moves the deadline and bumps the version', async () => {
      const session = await stored({ keep: 'k', drop: 'd', change: 1 })
      await repository.create(session)
      const version = await repository.update(
        session.key,
        { set: { change: { now: [2] }, added: 'a' }, remove: ['drop'], expires: NOW + 999, expectedVersion: 1 },
        NOW,
      )
      expect(version).toBe(2)
      const loaded = await repository.load(session.key, NOW)
      expect(loaded!.data).toEqual({ keep: 'k', change: { now: [2] }, added: 'a' })
      expect(loaded!.expires).toBe(NOW + 999)
      expect(loaded!.version).toBe(2)
    })

    it('update() with a stale expected version fails with SessionConflictError and changes nothing', async () => {
      const session = await stored({ a: 1 })
      await repository.create(session)
      await repository.update(session.key, { set: { a: 2 }, remove: [], expires: NOW + 10, expectedVersion: 1 }, NOW)
      await expect(
        repository.update(session.key, { set: { a: 3 }, remove: [], expires: NOW + 10, expectedVersion: 1 }, NOW),
      ).rejects.toBeInstanceOf(SessionConflictError)
      expect((await repository.load(session.key, NOW))!.data).toEqual({ a: 2 })
    })

    it('update() returns null for an unknown key and creates nothing', async () => {
      const key = await randomKey()
      expect(await repository.update(key, { set: { a: 1 }, remove: [], expires: NOW + 10 }, NOW)).toBeNull()
      expect(await repository.load(key, NOW)).toBeNull()
    })

    it('increment() starts an absent field at zero, returns the new value and bumps the version', async () => {
      const session = await stored({ other: 'x' })
      await repository.create(session)
      const maxExpires = session.maxExpires
      expect(await repository.increment(session.key, 'views', 1, NOW + 50, NOW)).toEqual({ value: 1, previous: undefined, version: 2, maxExpires, createdAt: session.createdAt })
      expect(await repository.increment(session.key, 'views', 5, NOW + 60, NOW)).toEqual({ value: 6, previous: 1, version: 3, maxExpires, createdAt: session.createdAt })
      const loaded = await repository.load(session.key, NOW)
      expect(loaded!.data).toEqual({ other: 'x', views: 6 })
      expect(loaded!.expires).toBe(NOW + 60)
    })

    it('increment() returns null for an unknown key and creates nothing', async () => {
      const key = await randomKey()
      expect(await repository.increment(key, 'views', 1, NOW + 10, NOW)).toBeNull()
      expect(await repository.load(key, NOW)).toBeNull()
    })

    it('update() applies only while every expected key still holds the value given (absent: undefined)', async () => {
      const session = await stored({ a: { x: [1, 2] }, b: 'b' })
      await repository.create(session)
      const change = (expect: Map<string, unknown>) => ({ set: { c: 'c' }, remove: ['b'], expires: NOW + 10, expect })
      // Map key order does not matter; the comparison is by JSON value.
      await expect(repository.update(session.key, change(new Map<string, unknown>([['a', { x: [1, 2] }], ['c', undefined]])), NOW)).resolves.toBe(2)
      expect((await repository.load(session.key, NOW))!.data).toEqual({ a: { x: [1, 2] }, c: 'c' })
      for (const expectation of [new Map([['a', { x: [2, 1] }]]), new Map([['c', undefined]]), new Map([['b', 'b']])]) {
        await expect(repository.update(session.key, { set: { d: 1 }, remove: ['a'], expires: NOW + 10, expect: expectation }, NOW)).rejects.toBeInstanceOf(
          SessionConflictError,
        )
      }
      const after = await repository.load(session.key, NOW)
      expect(after!.data).toEqual({ a: { x: [1, 2] }, c: 'c' })
      expect(after!.version).toBe(2)
    })

    it('update() saves 400 keys in one change, with conditions, atomically', async () => {
      const session = await stored({ keep: 1, read: 'seen' })
      await repository.create(session)
      const set = Object.fromEntries(Array.from({ length: 400 }, (_, i) => [`key-number-${i}`, { i }]))
      const expectations = new Map<string, unknown>(Array.from({ length: 50 }, (_, i) => [`key-number-${i}`, undefined]))
      expectations.set('read', 'seen')
      expect(await repository.update(session.key, { set, remove: ['read'], expires: NOW + 10, expect: expectations }, NOW)).toBe(2)
      const loaded = await repository.load(session.key, NOW)
      expect(loaded!.data).toEqual({ keep: 1, ...set })
      // The same large change again: its absence conditions now fail, and nothing moves.
      await expect(repository.update(session.key, { set: { other: 1 }, remove: [], expires: NOW + 10, expect: expectations }, NOW)).rejects.toBeInstanceOf(
        SessionConflictError,
      )
      expect((await repository.load(session.key, NOW))!.version).toBe(2)
    })

    it('increment() reports the previous value, and refuses a field that is not a number', async () => {
      const session = await stored({ n: 2, s: 'text' })
      await repository.create(session)
      expect(await repository.increment(session.key, 'n', 3, NOW + 10, NOW)).toMatchObject({ value: 5, previous: 2 })
      await expect(repository.increment(session.key, 's', 1, NOW + 10, NOW)).rejects.toBeInstanceOf(SessionUsageError)
      expect((await repository.load(session.key, NOW))!.data).toEqual({ n: 5, s: 'text' })
    })

    it('through a request: set then increment is the set value + 1, increment then set is the set value', async () => {
      const id = await existingId(repository, { a: 1, b: 1 })
      const first = unitFor(repository, id)
      await first.get('a')
      first.set('a', 10)
      expect(await first.increment('a')).toBe(11)
      expect(await first.increment('b')).toBe(2)
      first.set('b', 20)
      await first.commit()
      expect(await unitFor(repository, id).all()).toEqual({ a: 11, b: 20 })
    })

    it('through a request: 300 keys set in one request are all saved, read or not', async () => {
      const id = await existingId(repository, { base: 0 })
      const unit = unitFor(repository, id)
      await unit.all()
      for (let i = 0; i < 300; i++) unit.set(`k${i}`, `value ${i}`)
      await unit.commit()
      const data = await unitFor(repository, id).all()
      expect(Object.keys(data)).toHaveLength(301)
      expect(data.k299).toBe('value 299')
    })

    it('through a request: a conflict saves nothing, its increment taken back', async () => {
      const id = await existingId(repository, { shared: 'start', views: 5 })
      const mine = unitFor(repository, id)
      expect(await mine.get('shared')).toBe('start')
      const theirs = unitFor(repository, id)
      theirs.set('shared', 'theirs')
      await theirs.commit()
      const before = await repository.load(await storageKeyFor(id), NOW)
      expect(await mine.increment('views')).toBe(6)
      expect(await mine.increment('created')).toBe(1)
      mine.set('shared', 'mine')
      mine.set('other', 'mine')
      await expect(mine.commit()).rejects.toBeInstanceOf(SessionConflictError)
      const after = await repository.load(await storageKeyFor(id), NOW)
      expect(after!.data).toEqual(before!.data)
      expect(after!.data).toEqual({ shared: 'theirs', views: 5 })
    })

    it('through a request: values no store can keep are refused before any write', async () => {
      const id = await existingId(repository, { a: 1 })
      const unit = unitFor(repository, id)
      expect(() => unit.set('big', 1e300)).toThrow(SessionUsageError)
      expect(() => unit.set('__proto__', { admin: true })).toThrow(SessionUsageError)
      unit.set('fine', { nested: 'ok' })
      await unit.commit()
      const data = await unitFor(repository, id).all()
      expect(data).toEqual({ a: 1, fine: { nested: 'ok' } })
      expect(Object.getPrototypeOf(data)).toBe(Object.prototype)
    })

    describe('users and their sessions', () => {
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
        const capped = (await factory({ maxSessionsPerUser: 3 })).repository
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

    describe('under concurrency', () => {
      it('parallel increments on one session lose nothing', async () => {
        const session = await stored({})
        await repository.create(session)
        const results = await Promise.all(
          Array.from({ length: 60 }, () => repository.increment(session.key, 'views', 1, NOW + 10, NOW)),
        )
        expect((await repository.load(session.key, NOW))!.data).toEqual({ views: 60 })
        // Every caller saw a distinct value: each increment was applied exactly once.
        expect(new Set(results.map((r) => r!.value)).size).toBe(60)
      })

      it('parallel versioned updates from the same version: exactly one wins', async () => {
        const session = await stored({ a: 0 })
        await repository.create(session)
        const outcomes = await Promise.allSettled(
          Array.from({ length: 8 }, (_, i) =>
            repository.update(session.key, { set: { a: i + 1 }, remove: [], expires: NOW + 10, expectedVersion: 1 }, NOW),
          ),
        )
        const won = outcomes.filter((o) => o.status === 'fulfilled')
        expect(won).toHaveLength(1)
        for (const o of outcomes) if (o.status === 'rejected') expect(o.reason).toBeInstanceOf(SessionConflictError)
      })

      it('parallel requests writing different keys all land', async () => {
        const id = await existingId(repository, { base: true })
        // Six writers and five retries: each round at least one writer wins, so all must land.
        const keys = Array.from({ length: 6 }, (_, i) => `key${i}`)
        const units = keys.map(() => unitFor(repository, id))
        // Everyone reads first, so every write is guarded by the same, soon stale, version.
        await Promise.all(units.map((u) => u.all()))
        await Promise.all(
          units.map(async (unit, i) => {
            unit.set(keys[i]!, keys[i]!.toUpperCase())
            await unit.commit()
          }),
        )
        const unit = unitFor(repository, id)
        expect(await unit.all()).toEqual({ base: true, ...Object.fromEntries(keys.map((k) => [k, k.toUpperCase()])) })
      })

      it('12 parallel writers to different keys, each after a read of the whole session: no conflict, 20 times over', async () => {
        for (let trial = 0; trial < 20; trial++) {
          const id = await existingId(repository, { base: trial })
          const units = Array.from({ length: 12 }, () => unitFor(repository, id))
          await Promise.all(units.map((u) => u.all()))
          const outcomes = await Promise.allSettled(
            units.map(async (unit, i) => {
              unit.set(`writer${i}`, i)
              await unit.commit()
            }),
          )
          expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([])
          const data = await unitFor(repository, id).all()
          expect(data).toEqual({ base: trial, ...Object.fromEntries(units.map((_, i) => [`writer${i}`, i])) })
        }
      })

      it('conflicting writes to the same key: one lands, the rest fail, none is silently lost', async () => {
        const id = await existingId(repository, { shared: 'start', other: 1 })
        const units = Array.from({ length: 6 }, () => unitFor(repository, id))
        const seen = await Promise.all(units.map((u) => u.get('shared')))
        expect(seen).toEqual(Array(6).fill('start'))
        const outcomes = await Promise.allSettled(
          units.map(async (unit, i) => {
            unit.set('shared', `writer-${i}`)
            await unit.commit()
            return `writer-${i}`
          }),
        )
        const winners = outcomes.filter((o) => o.status === 'fulfilled').map((o) => (o as PromiseFulfilledResult<string>).value)
        const losers = outcomes.filter((o) => o.status === 'rejected')
        const final = await unitFor(repository, id).all()
        // The stored value is exactly the one write that was acknowledged.
        expect(winners).toEqual([final.shared])
        expect(losers).toHaveLength(5)
        for (const o of losers) expect((o as PromiseRejectedResult).reason).toBeInstanceOf(SessionConflictError)
        expect(final.other).toBe(1)
      })

      it('parallel increments through request sessions advance the counter by exactly their number', async () => {
        const id = await existingId(repository, {})
        const values = await Promise.all(
          Array.from({ length: 40 }, async () => {
            const unit = unitFor(repository, id)
            const value = await unit.increment('views')
            await unit.commit()
            return value
          }),
        )
        expect(Math.max(...values)).toBe(40)
        expect(await unitFor(repository, id).get('views')).toBe(40)
      })
    })
  })
}
