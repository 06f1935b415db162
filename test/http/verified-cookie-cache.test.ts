import { describe, expect, it } from 'vitest'
import { createCookieSigner, type CookieSigner } from '../../src/http/cookie-signer.js'
import { withVerifiedCookieCache } from '../../src/http/verified-cookie-cache.js'
import { storageKeyFor } from '../../src/domain/session-id.js'
import { testApp } from '../support/app.js'
import { SECRET } from '../support/secrets.js'

/** The real signer, counting the verifications that reach it. */
function countingSigner(): CookieSigner & { verifications: () => number } {
  const real = createCookieSigner([SECRET])
  let verifications = 0
  return {
    sign: (id) => real.sign(id),
    verify: (value) => {
      verifications++
      return real.verify(value)
    },
    verifications: () => verifications,
  }
}

const idOf = (n: number) => String(n).padStart(43, 'A')

describe('the verified-cookie cache', () => {
  it('verifies a value once, then answers the same id from memory', async () => {
    const inner = countingSigner()
    const signer = withVerifiedCookieCache(inner, 10)
    const value = await inner.sign(idOf(1))
    const expected = { id: idOf(1), key: await storageKeyFor(idOf(1)) }
    expect(await signer.verify(value)).toEqual(expected)
    expect(await signer.verify(value)).toEqual(expected)
    expect(await signer.verify(value)).toEqual(expected)
    expect(inner.verifications()).toBe(1)
  })

  it('never remembers a failure: a forged value is verified in full every time, and still refused', async () => {
    const inner = countingSigner()
    const signer = withVerifiedCookieCache(inner, 10)
    const genuine = await inner.sign(idOf(2))
    expect((await signer.verify(genuine))?.id).toBe(idOf(2))
    const forged = genuine.slice(0, -2) + (genuine.endsWith('AA') ? 'BB' : 'AA')
    for (let i = 0; i < 3; i++) expect(await signer.verify(forged)).toBeNull()
    expect(await signer.verify('garbage')).toBeNull()
    expect(inner.verifications()).toBe(5)
  })

  it('holds at most maxEntries values, dropping the least recently used first', async () => {
    const inner = countingSigner()
    const signer = withVerifiedCookieCache(inner, 2)
    const [a, b, c] = await Promise.all([1, 2, 3].map((n) => inner.sign(idOf(n))))
    await signer.verify(a!)
    await signer.verify(b!)
    await signer.verify(a!) // a is now the most recently used
    expect(inner.verifications()).toBe(2)
    await signer.verify(c!) // evicts b
    expect(inner.verifications()).toBe(3)
    await signer.verify(a!)
    expect(inner.verifications()).toBe(3)
    await signer.verify(b!)
    expect(inner.verifications()).toBe(4)
  })

  it('is off with 0 entries, and refuses a size that is not a whole number', async () => {
    const inner = countingSigner()
    const uncached = withVerifiedCookieCache(inner, 0)
    const value = await inner.sign(idOf(4))
    expect((await uncached.verify(value))?.id).toBe(idOf(4))
    expect((await uncached.verify(value))?.id).toBe(idOf(4))
    expect(inner.verifications()).toBe(2)
    expect(() => withVerifiedCookieCache(inner, -1)).toThrow(/verifiedCookieCacheEntries/)
    expect(() => withVerifiedCookieCache(inner, 1.5)).toThrow(/verifiedCookieCacheEntries/)
  })

  it('in the middleware: a cached cookie keeps its session, and a tampered copy of it still starts a new one', async () => {
    for (const entries of [undefined, 0, 1]) {
      const { client } = testApp(entries === undefined ? {} : { verifiedCookieCacheEntries: entries })
      const alice = client()
      await alice.request('/private')
      expect(await (await alice.request('/private')).text()).toBe('The /private page has been visited 2 times.')
      const genuine = alice.jar.get('sid')!
      const mallory = client()
      mallory.jar.set('sid', genuine.slice(0, -2) + (genuine.endsWith('AA') ? 'BB' : 'AA'))
      expect(await (await mallory.request('/private')).text()).toBe('The /private page has been visited 1 times.')
      expect(await (await alice.request('/private')).text()).toBe('The /private page has been visited 3 times.')
    }
  })
})
