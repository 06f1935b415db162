import { describe, expect, it } from 'vitest'
import { MemorySessionRepository } from '../../src/adapters/memory-session-repository.js'
import { SessionConflictError, SessionRetiredError, SessionTooLargeError, SessionUsageError } from '../../src/domain/errors.js'
import { RequestSession } from '../../src/domain/request-session.js'
import { newStoredSession, type SessionData, type SessionPolicy } from '../../src/domain/session.js'
import { generateSessionId, storageKeyFor } from '../../src/domain/session-id.js'
import { CountingRepository, type StoreOperation } from '../../src/testing/counting-repository.js'

const NOW = 1_900_000_000
const POLICY: SessionPolicy = { ttlSeconds: 3600, maxAgeSeconds: 86_400, refreshThreshold: 0.5, maxBytes: 10_000, renewSeconds: 0, renewGraceSeconds: 30 }

type Step =
  | ['get', string]
  | ['all']
  | ['set', string, unknown]
  | ['delete', string]
  | ['increment', string, number?]
  | ['regenerate']
  | ['destroy']

interface Row {
  readonly name: string
  /** The session the cookie points at: its data, 'unknown' for a valid id with nothing stored, or no cookie at all. */
  readonly stored: SessionData | 'unknown' | 'no cookie'
  readonly steps: Step[]
  /** What each step returned (undefined for the ones that return nothing). */
  readonly returns?: unknown[]
  /** What is stored under the id the client ends with (null: nothing). */
  readonly after: SessionData | null
  readonly cookie: 'unchanged' | 'same id' | 'new id' | 'ended'
  readonly calls: StoreOperation[]
}

const ROWS: Row[] = [
  { name: 'no cookie, nothing done', stored: 'no cookie', steps: [], after: null, cookie: 'unchanged', calls: [] },
  { name: 'no cookie, a read', stored: 'no cookie', steps: [['get', 'views']], returns: [undefined], after: null, cookie: 'unchanged', calls: [] },
  { name: 'no cookie, an increment creates the session', stored: 'no cookie', steps: [['increment', 'views']], returns: [1], after: { views: 1 }, cookie: 'new id', calls: ['create'] },
  { name: 'an increment is one store call', stored: { views: 2 }, steps: [['increment', 'views']], returns: [3], after: { views: 3 }, cookie: 'same id', calls: ['increment'] },
  { name: 'a read of a fresh session writes nothing', stored: { views: 2 }, steps: [['get', 'views']], returns: [2], after: { views: 2 }, cookie: 'unchanged', calls: ['load'] },
  { name: 'parallel-looking reads share one load', stored: { a: 1, b: 2 }, steps: [['get', 'a'], ['all'], ['get', 'b']], returns: [1, { a: 1, b: 2 }, 2], after: { a: 1, b: 2 }, cookie: 'unchanged', calls: ['load'] },
  { name: 'get, set, increment: the set value + 1', stored: { n: 1 }, steps: [['get', 'n'], ['set', 'n', 10], ['increment', 'n']], returns: [1, undefined, 11], after: { n: 11 }, cookie: 'same id', calls: ['load', 'update'] },
  { name: 'set, increment without a read: the same', stored: { n: 1 }, steps: [['set', 'n', 10], ['increment', 'n']], returns: [undefined, 11], after: { n: 11 }, cookie: 'same id', calls: ['load', 'update'] },
  { name: 'increment, then set: the set value', stored: { n: 1 }, steps: [['increment', 'n'], ['set', 'n', 10]], returns: [2, undefined], after: { n: 10 }, cookie: 'same id', calls: ['increment', 'load', 'update'] },
  { name: 'delete, then increment counts from zero', stored: { a: 5 }, steps: [['delete', 'a'], ['increment', 'a', 2]], returns: [undefined, 2], after: { a: 2 }, cookie: 'same id', calls: ['load', 'update'] },
  { name: 'all, then set: one conditioned update', stored: { a: 1 }, steps: [['all'], ['set', 'b', [1, { c: 'd' }]]], returns: [{ a: 1 }, undefined], after: { a: 1, b: [1, { c: 'd' }] }, cookie: 'same id', calls: ['load', 'update'] },
  { name: 'set undefined removes the key', stored: { a: 1, b: 2 }, steps: [['set', 'a', undefined]], after: { b: 2 }, cookie: 'same id', calls: ['load', 'update'] },
  { name: 'a read sees the request\'s own changes', stored: { a: 1 }, steps: [['set', 'a', 2], ['delete', 'b'], ['all']], returns: [undefined, undefined, { a: 2 }], after: { a: 2 }, cookie: 'same id', calls: ['load', 'update'] },
  { name: 'regenerate moves the data to a new id', stored: { user: 'x', views: 4 }, steps: [['regenerate'], ['set', 'user', 'y']], after: { user: 'y', views: 4 }, cookie: 'new id', calls: ['load', 'replace'] },
  { name: 'regenerate without a stored session only issues a new id once there is data', stored: 'no cookie', steps: [['regenerate'], ['set', 'user', 'y']], after: { user: 'y' }, cookie: 'new id', calls: ['create'] },
  { name: 'destroy deletes the session and ends the cookie', stored: { views: 1 }, steps: [['destroy']], after: null, cookie: 'ended', calls: ['end'] },
  { name: 'destroy without a cookie touches nothing', stored: 'no cookie', steps: [['destroy']], after: null, cookie: 'unchanged', calls: [] },
  { name: 'destroy, then increment: a new session', stored: { views: 7 }, steps: [['destroy'], ['increment', 'views']], returns: [undefined, 1], after: { views: 1 }, cookie: 'new id', calls: ['end', 'create'] },
  { name: 'an unknown id is never adopted by an increment', stored: 'unknown', steps: [['increment', 'views']], returns: [1], after: { views: 1 }, cookie: 'new id', calls: ['increment', 'create'] },
  { name: 'an unknown id read gives an empty session and no cookie', stored: 'unknown', steps: [['get', 'views']], returns: [undefined], after: null, cookie: 'unchanged', calls: ['load'] },
  { name: 'an unknown id written gets a new id', stored: 'unknown', steps: [['set', 'a', 1]], after: { a: 1 }, cookie: 'new id', calls: ['load', 'create'] },
]

async function arrange(row: Row) {
  const repository = new CountingRepository(new MemorySessionRepository())
  let id: string | null = null
  if (row.stored !== 'no cookie') {
    id = generateSessionId()
    if (row.stored !== 'unknown') {
      await repository.inner.create(newStoredSession(await storageKeyFor(id), row.stored, NOW - 10, POLICY))
    }
  }
  return { repository, id, unit: new RequestSession(repository, POLICY, () => NOW, id) }
}

function run(unit: RequestSession, step: Step): Promise<unknown> | unknown {
  switch (step[0]) {
    case 'get':
      return unit.get(step[1])
    case 'all':
      return unit.all()
    case 'set':
      return unit.set(step[1], step[2])
    case 'delete':
      return unit.delete(step[1])
    case 'increment':
      return unit.increment(step[1], step[2])
    case 'regenerate':
      return unit.regenerate()
    case 'destroy':
      return unit.destroy()
  }
}

describe('RequestSession: sequences of operations over the memory store, at a fixed time', () => {
  it.each(ROWS)('$name', async (row) => {
    const { repository, id, unit } = await arrange(row)
    const returned: unknown[] = []
    for (const step of row.steps) returned.push(await run(unit, step))
    const { identity } = await unit.commit()
    if (row.returns) expect(returned).toEqual(row.returns)
    expect(repository.calls.map((c) => c.op)).toEqual(row.calls)

    const finalId = identity.kind === 'issued' ? identity.id : id
    const cookie = identity.kind === 'issued' ? (identity.id === id ? 'same id' : 'new id') : identity.kind
    expect(cookie).toBe(row.cookie)
    const stored = finalId && identity.kind !== 'ended' ? await repository.inner.load(await storageKeyFor(finalId), NOW) : null
    expect(stored?.data ?? null).toEqual(row.after)
    // A new id leaves nothing usable under the old one: no session, at most a retirement marker.
    if (id && finalId !== id) {
      const old = await repository.inner.load(await storageKeyFor(id), NOW).catch((error: unknown) => error)
      expect(old === null || old instanceof SessionRetiredError).toBe(true)
    }
  })
})

describe('RequestSession: failures save nothing', () => {
  async function twoRequests(data: SessionData) {
    const repository = new MemorySessionRepository()
    const id = generateSessionId()
    const key = await storageKeyFor(id)
    await repository.create(newStoredSession(key, data, NOW - 10, POLICY))
    const unit = () => new RequestSession(repository, POLICY, () => NOW, id)
    return { repository, key, unit }
  }

  it.each([
    { case: 'takes back its increment of another key', stored: { n: 1, views: 5 }, field: 'views', counted: 6, after: { n: 2, views: 5 } },
    { case: 'removes a field its increment created', stored: { n: 1 }, field: 'fresh', counted: 1, after: { n: 2 } },
  ])('a read-modify-write that lost the race is a conflict, and $case', async ({ stored, field, counted, after }) => {
    const { repository, key, unit } = await twoRequests(stored)
    const mine = unit()
    expect(await mine.get('n')).toBe(1)
    const theirs = unit()
    theirs.set('n', 2)
    await theirs.commit()
    expect(await mine.increment(field)).toBe(counted)
    mine.set('n', 3)
    await expect(mine.commit()).rejects.toBeInstanceOf(SessionConflictError)
    expect((await repository.load(key, NOW))!.data).toEqual(after)
  })

  it('blind writes to the same key: the last writer wins, without a conflict', async () => {
    const { repository, key, unit } = await twoRequests({ n: 1 })
    const first = unit()
    const second = unit()
    first.set('n', 'first')
    second.set('n', 'second')
    await first.commit()
    await second.commit()
    expect((await repository.load(key, NOW))!.data).toEqual({ n: 'second' })
  })

  it('too large: 413 before any write, and the increment is taken back', async () => {
    const { repository, key, unit } = await twoRequests({ views: 1 })
    const mine = unit()
    await mine.increment('views')
    mine.set('blob', 'x'.repeat(POLICY.maxBytes))
    await expect(mine.commit()).rejects.toBeInstanceOf(SessionTooLargeError)
    expect((await repository.load(key, NOW))!.data).toEqual({ views: 1 })
  })
})

describe('RequestSession: values every store can keep', () => {
  const unit = () => new RequestSession(new MemorySessionRepository(), POLICY, () => NOW, null)
  let deep: unknown = 1
  for (let i = 0; i < 31; i++) deep = { d: deep }

  it.each([
    ['a number too large for DynamoDB', 'n', 1e300],
    ['a number too small for DynamoDB', 'n', 5e-324],
    ['nesting deeper than 30 levels', 'deep', deep],
    ['an empty map key inside a value', 'm', { '': 1 }],
    ['a __proto__ key inside a value', 'm', JSON.parse('{"__proto__":{"admin":true}}')],
  ])('refuses %s with a usage error', (_label, key, value) => {
    expect(() => unit().set(key, value)).toThrow(SessionUsageError)
  })

  it.each(['__proto__', 'constructor', 'prototype', '', 'k'.repeat(256)])('refuses the top-level key %j', (key) => {
    const session = unit()
    expect(() => session.set(key, 1)).toThrow(SessionUsageError)
    expect(() => session.delete(key)).toThrow(SessionUsageError)
    return expect(session.increment(key)).rejects.toBeInstanceOf(SessionUsageError)
  })

  it('keeps what DynamoDB can: 30 levels, 1e125, 1e-130', async () => {
    let thirty: unknown = 1
    for (let i = 0; i < 30; i++) thirty = { d: thirty }
    const session = unit()
    session.set('deep', thirty)
    session.set('numbers', [1e125, -1e-130, 0])
    expect(await session.all()).toEqual({ deep: thirty, numbers: [1e125, -1e-130, 0] })
  })

  it('refuses to increment by a number DynamoDB cannot hold', async () => {
    await expect(unit().increment('n', 1e300)).rejects.toBeInstanceOf(SessionUsageError)
    await expect(unit().increment('n', Number.NaN)).rejects.toBeInstanceOf(SessionUsageError)
  })
})

describe('RequestSession: lifetimes', () => {
  it('regenerate, called twice, keeps the absolute deadline of the session it started from', async () => {
    const repository = new MemorySessionRepository()
    const id = generateSessionId()
    await repository.create(newStoredSession(await storageKeyFor(id), { user: 'a' }, NOW - 1000, POLICY))
    const unit = new RequestSession(repository, POLICY, () => NOW, id)
    await unit.regenerate()
    await unit.regenerate()
    const { identity } = await unit.commit()
    expect(identity.kind).toBe('issued')
    const stored = await repository.load(await storageKeyFor((identity as { id: string }).id), NOW)
    expect(stored!.maxExpires).toBe(NOW - 1000 + POLICY.maxAgeSeconds)
  })

  it('a read refreshes the idle deadline once less than the threshold is left, and re-issues the cookie', async () => {
    const repository = new CountingRepository(new MemorySessionRepository())
    const id = generateSessionId()
    const key = await storageKeyFor(id)
    await repository.inner.create(newStoredSession(key, { a: 1 }, NOW - 2000, POLICY))
    const unit = new RequestSession(repository, POLICY, () => NOW, id)
    expect(await unit.get('a')).toBe(1)
    const { identity } = await unit.commit()
    expect(identity).toEqual({ kind: 'issued', id, maxAgeSeconds: POLICY.ttlSeconds })
    expect(repository.calls.map((c) => c.op)).toEqual(['load', 'update'])
    expect((await repository.inner.load(key, NOW))!.expires).toBe(NOW + POLICY.ttlSeconds)
  })

  it('stored data that fails the check is no session: a new id, and the reason reported', async () => {
    const repository = new MemorySessionRepository()
    const id = generateSessionId()
    await repository.create(newStoredSession(await storageKeyFor(id), { views: 'seven' }, NOW - 10, POLICY))
    const reasons: string[] = []
    const unit = new RequestSession(repository, POLICY, () => NOW, id, {
      check: async (data) => (typeof data.views === 'number' ? { ok: true, data } : { ok: false, reason: 'views is not a number' }),
      onInvalidData: (reason) => reasons.push(reason),
    })
    expect(await unit.get('views')).toBeUndefined()
    unit.set('views', 1)
    const { identity } = await unit.commit()
    expect(reasons).toEqual(['views is not a number'])
    expect(identity.kind).toBe('issued')
    expect((identity as { id: string }).id).not.toBe(id)
  })
})
