import { beforeEach, describe, expect, it } from 'vitest'
import { SessionConflictError, SessionUsageError } from '../domain/errors.js'
import { storageKeyFor } from '../domain/session-id.js'
import type { SessionRepository } from '../domain/session-repository.js'
import { existingId, freshRepositoryEachTest, NOW, stored, unitFor, type ContractFactory } from './contract-support.js'

// The port as requests use it: changes saved together or not at all, read-modify-writes
// conditioned on what was read, and parallel requests that lose nothing.

export function requestContract(name: string, factory: ContractFactory): void {
  describe(`SessionRepository contract, through requests: ${name}`, () => {
    const current = freshRepositoryEachTest(factory)
    let repository: SessionRepository
    beforeEach(() => {
      repository = current()
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
  })

  describe(`SessionRepository contract, under concurrency: ${name}`, () => {
    const current = freshRepositoryEachTest(factory)
    let repository: SessionRepository
    beforeEach(() => {
      repository = current()
    })

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
}
