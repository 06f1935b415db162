import { describe, expect, it } from 'vitest'
import { MemorySessionRepository } from '../../src/adapters/memory-session-repository.js'
import { SessionRetiredError } from '../../src/domain/errors.js'
import { RequestSession } from '../../src/domain/request-session.js'
import type { SessionPolicy } from '../../src/domain/session.js'
import { generateSessionId } from '../../src/domain/session-id.js'

// What a request carrying each state's cookie gets (the rows of ID_STATES in
// src/domain/session-lifecycle.ts), on the memory store and a fake clock.

const POLICY: SessionPolicy = { ttlSeconds: 3600, maxAgeSeconds: 86_400, refreshThreshold: 0.5, maxBytes: 10_000, renewSeconds: 600, renewGraceSeconds: 30 }

function world() {
  const repository = new MemorySessionRepository()
  const clock = { now: 1_900_000_000 }
  const request = async <T>(id: string | null, work: (unit: RequestSession) => Promise<T>) => {
    const unit = new RequestSession(repository, POLICY, () => clock.now, id)
    const value = await work(unit)
    const { identity } = await unit.commit()
    return { value, identity, id: identity.kind === 'issued' ? identity.id : identity.kind === 'ended' ? null : id }
  }
  return { repository, clock, request }
}

describe('identity lifecycle, state by state, on a fake clock', () => {
  it('anonymous: an unknown id reads nothing, is never adopted, and a write starts a new id', async () => {
    const { request } = world()
    const unknown = generateSessionId()
    const read = await request(unknown, (u) => u.get('n'))
    expect(read.value).toBeUndefined()
    expect(read.identity.kind).toBe('unchanged')
    const wrote = await request(unknown, (u) => u.increment('n'))
    expect(wrote.value).toBe(1)
    expect(wrote.id).not.toBe(unknown)
  })

  it('isNew: true without a cookie; false with one from the start of the request; true once its session proves unknown', async () => {
    const { request } = world()
    expect((await request(null, async (u) => u.isNew)).value).toBe(true)
    const { id } = await request(null, (u) => u.increment('n'))
    // Read before anything else, as a handler's first line would.
    expect((await request(id, async (u) => u.isNew)).value).toBe(false)
    expect((await request(id, async (u) => [await u.get('n'), u.isNew])).value).toEqual([1, false])
    expect((await request(generateSessionId(), async (u) => [u.isNew, await u.get('n'), u.isNew])).value).toEqual([false, undefined, true])
  })

  it('live: served, the idle deadline rolls with writes, and isNew is false', async () => {
    const { request, clock } = world()
    const { id } = await request(null, (u) => u.increment('n'))
    clock.now += 100
    const again = await request(id, async (u) => ({ n: await u.increment('n'), isNew: u.isNew }))
    expect(again.value).toEqual({ n: 2, isNew: false })
    expect(again.identity).toMatchObject({ kind: 'issued', id })
  })

  it('moved: within the grace window the old cookie is served on the successor and given its cookie; after it, nothing', async () => {
    const { request, clock } = world()
    const { id: first } = await request(null, (u) => u.increment('n'))
    clock.now += POLICY.renewSeconds
    const renewal = await request(first, (u) => u.increment('n'))
    expect(renewal.id).not.toBe(first)
    clock.now += POLICY.renewGraceSeconds - 1
    const late = await request(first, (u) => u.increment('n'))
    expect(late.value).toBe(3)
    expect(late.id).toBe(renewal.id)
    clock.now += 2
    const lapsed = await request(first, (u) => u.get('n'))
    expect(lapsed.value).toBeUndefined()
  })

  it('retired: within the grace window a login\'s old cookie gets 409 and no cookie; after it, nothing', async () => {
    const { request, clock } = world()
    const { id: before } = await request(null, (u) => u.increment('n'))
    const login = await request(before, (u) => u.login('ada'))
    expect(login.id).not.toBe(before)
    await expect(request(before, (u) => u.get('n'))).rejects.toBeInstanceOf(SessionRetiredError)
    clock.now += POLICY.renewGraceSeconds
    expect((await request(before, (u) => u.get('n'))).value).toBeUndefined()
    expect((await request(login.id, (u) => u.get('n'))).value).toBe(1)
  })

  it('ended: after a logout the cookie reads nothing, and a racing write cannot bring the data back', async () => {
    const { request, repository, clock } = world()
    const { id } = await request(null, async (u) => u.set('cart', ['book']))
    // A request reads the cart, a logout ends the session, then the request writes what it built on.
    const racing = new RequestSession(repository, POLICY, () => clock.now, id)
    const cart = (await racing.get('cart')) as string[]
    racing.set('cart', [...cart, 'pen'])
    const logout = await request(id, (u) => u.destroy())
    expect(logout.identity.kind).toBe('ended')
    await expect(racing.commit()).rejects.toThrow(/ended/)
    expect((await request(id, (u) => u.get('cart'))).value).toBeUndefined()
  })
})
