import { describe, expect, it } from 'vitest'
import { RequestSession } from '../domain/request-session.js'
import type { SessionPolicy } from '../domain/session.js'
import { storageKeyFor } from '../domain/session-id.js'
import type { SessionRepository } from '../domain/session-repository.js'
import { CountingRepository } from './counting-repository.js'
import { releasedAfterEach, type ContractFactory } from './contract-support.js'

// update(), flash messages and the per-session cookie choice, through requests, on
// every store: each one's concurrency promise counted against what is stored.

const NOW = 1_900_000_000
const POLICY: SessionPolicy = { ttlSeconds: 3600, maxAgeSeconds: 7 * 86_400, refreshThreshold: 0.5, maxBytes: 300_000, renewSeconds: 0, renewGraceSeconds: 30 }

async function visit<T>(repo: SessionRepository, id: string | null, work: (unit: RequestSession) => Promise<T> | T, at = NOW, policy = POLICY) {
  const unit = new RequestSession(repo, policy, () => at, id)
  const value = await work(unit)
  const { identity } = await unit.commit()
  return { value, identity, id: identity.kind === 'issued' ? identity.id : id }
}

export function featuresContract(name: string, factory: ContractFactory): void {
  describe(`update, flash and cookie choice: ${name}`, () => {
    const make = releasedAfterEach(factory)
    it('update(): six parallel add-to-cart requests all succeed, and the cart holds all six', async () => {
      const { repository } = await make()
      const { id } = await visit(repository, null, (u) => u.set('cart', []))
      const results = await Promise.allSettled(
        Array.from({ length: 6 }, (_, i) => visit(repository, id, (u) => u.update('cart', (cart) => [...((cart as string[]) ?? []), `item-${i}`]))),
      )
      expect(results.map((r) => r.status)).toEqual(Array(6).fill('fulfilled'))
      const cart = (await visit(repository, id, (u) => u.get('cart'))).value as string[]
      expect([...cart].sort()).toEqual(['item-0', 'item-1', 'item-2', 'item-3', 'item-4', 'item-5'])
    })

    it('update(): returns what is stored, removes with undefined, and is taken back when the request fails', async () => {
      const { repository } = await make()
      const { id } = await visit(repository, null, (u) => u.set('n', 1))
      expect((await visit(repository, id, (u) => u.update('n', (n) => (n as number) * 10))).value).toBe(10)
      const failing = new RequestSession(repository, POLICY, () => NOW, id)
      expect(await failing.update('n', (n) => (n as number) + 5)).toBe(15)
      await failing.abort()
      expect((await visit(repository, id, (u) => u.get('n'))).value).toBe(10)
      await visit(repository, id, (u) => u.update('n', () => undefined))
      expect((await repository.load(await storageKeyFor(id!), NOW))!.data).toEqual({})
    })

    it('a flash is read once: the next request takes it, later ones find nothing, and it never shows in all()', async () => {
      const { repository } = await make()
      const { id } = await visit(repository, null, (u) => u.flash('notice', 'Saved!'))
      expect((await visit(repository, id, (u) => u.all())).value).toEqual({})
      expect((await visit(repository, id, (u) => u.takeFlash('notice'))).value).toBe('Saved!')
      expect((await visit(repository, id, (u) => u.takeFlash('notice'))).value).toBeUndefined()
    })

    it('parallel requests taking one flash: exactly one gets it', async () => {
      const { repository } = await make()
      const { id } = await visit(repository, null, (u) => u.flash('notice', { text: 'Welcome back' }))
      const taken = await Promise.all(Array.from({ length: 8 }, () => visit(repository, id, (u) => u.takeFlash('notice'))))
      expect(taken.filter((t) => t.value !== undefined).map((t) => t.value)).toEqual([{ text: 'Welcome back' }])
    })

    it('a request that does not touch flashes pays no extra call: a counting visit is one increment', async () => {
      const { repository: inner } = await make()
      const { id } = await visit(inner, null, (u) => u.flash('notice', 'hi'))
      const counting = new CountingRepository(inner)
      await visit(counting, id, (u) => u.increment('views'))
      expect(counting.calls.map((c) => c.op)).toEqual(['increment'])
    })

    it('setPersistent(false) holds for the session: later visits, even increment-only ones, keep a browser-session cookie', async () => {
      const { repository } = await make()
      const first = await visit(repository, null, (u) => {
        u.setPersistent(false)
        return u.increment('views')
      })
      expect(first.identity).toMatchObject({ kind: 'issued', persistent: false })
      const counted = await visit(repository, first.id, (u) => u.increment('views'), NOW + 10)
      expect(counted.identity).toMatchObject({ kind: 'issued', persistent: false })
      // Renewed: the choice moves with the session.
      const renewed = await visit(repository, first.id, (u) => u.increment('views'), NOW + 100, { ...POLICY, renewSeconds: 50 })
      expect(renewed.id).not.toBe(first.id)
      expect((await visit(repository, renewed.id, (u) => u.increment('views'), NOW + 110)).identity).toMatchObject({ persistent: false })
      const remembered = await visit(repository, renewed.id, (u) => u.setPersistent(true), NOW + 120)
      expect(remembered.identity).toMatchObject({ kind: 'issued', persistent: true })
    })
  })
}
