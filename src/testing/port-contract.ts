import { beforeEach, describe, expect, it } from 'vitest'
import { SessionConflictError, SessionUsageError } from '../domain/errors.js'
import type { SessionRepository } from '../domain/session-repository.js'
import { freshRepositoryEachTest, NOW, randomKey, stored, type ContractFactory } from './contract-support.js'

// The port's own promises, call by call: what each method returns, refuses and keeps.

export function portContract(name: string, factory: ContractFactory): void {
  describe(`SessionRepository contract: ${name}`, () => {
    const current = freshRepositoryEachTest(factory)
    let repository: SessionRepository
    beforeEach(() => {
      repository = current()
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
  })
}
