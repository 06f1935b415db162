import { storageKeyFor } from '../domain/session-id.js'
import type { CookieSigner } from './cookie-signer.js'

/** What a verified cookie stands for: its session id and the id's storage key. */
export interface VerifiedCookie {
  readonly id: string
  readonly key: string
}

/** Verifies a cookie value and gives the id with its storage key, or null. */
export interface CookieVerifier {
  sign(id: string): Promise<string>
  verify(value: string): Promise<VerifiedCookie | null>
}

/** Entries the verified-cookie cache holds by default: about 2.5 MB at most. */
export const VERIFIED_COOKIE_CACHE_ENTRIES = 10_000

/**
 * A signer whose `verify` remembers the cookie values it has verified (value → id and
 * storage key), so a returning visitor costs no HMAC and no digest (a few microseconds
 * each since they are computed in JavaScript; when they went through Web Crypto, a
 * thread-pool job each on Node, they were the largest cost of a visit after the store call).
 *
 * - **Bounded.** At most `maxEntries` values, the least recently used dropped first.
 *   Only well-formed, verified values get in (87 characters each, with their 43-character
 *   id), so an entry takes a few hundred bytes: 10 000 entries are about 2.5 MB.
 * - **Only successes are kept.** A forged or garbled value is verified in full every
 *   time, exactly as without the cache, so nothing about failed guesses is remembered.
 * - **No timing side channel.** A hit is faster than a miss, but a hit needs the exact
 *   value of a cookie that verified before: whoever can send it holds that credential
 *   already. For any other value the work is the same as without the cache. A signature
 *   stays valid as long as its secret, and secrets are fixed for the signer's life, so a
 *   remembered answer is always the answer `verify` would give. Whether the session
 *   still exists is the store's business, as before.
 * - `sign` is passed through.
 */
export function withVerifiedCookieCache(signer: CookieSigner, maxEntries: number = VERIFIED_COOKIE_CACHE_ENTRIES): CookieVerifier {
  if (!Number.isInteger(maxEntries) || maxEntries < 0) throw new Error('sessionMiddleware: verifiedCookieCacheEntries must be a whole number, 0 or more')
  const verified = new Map<string, VerifiedCookie>()
  return {
    sign: (id) => signer.sign(id),
    async verify(value) {
      const hit = verified.get(value)
      if (hit !== undefined) {
        // Most recently used goes last: Map keeps insertion order.
        verified.delete(value)
        verified.set(value, hit)
        return hit
      }
      const id = await signer.verify(value)
      if (id === null) return null
      // The storage key is a digest of the id: kept with it, a returning visitor costs no digest either.
      const entry = { id, key: await storageKeyFor(id) }
      if (maxEntries > 0) {
        verified.set(value, entry)
        if (verified.size > maxEntries) verified.delete(verified.keys().next().value!)
      }
      return entry
    },
  }
}
