import { fromBase64, toBase64Url } from '../domain/base64.js'
import { SESSION_ID_PATTERN } from '../domain/session-id.js'
import { hmacSha256, sameBytes } from '../domain/sha256.js'

/**
 * Signs session ids with HMAC-SHA256. The first secret signs; every secret
 * verifies, so keys rotate without logging anyone out.
 * Cookie value: `<id>.<signature>`, both base64url.
 *
 * Our own signer rather than hono/cookie's signed helpers: those take a single
 * secret, so rotating it would log every visitor out. The MAC is computed in
 * JavaScript (domain/sha256.ts) rather than by Web Crypto: the same bytes, without a
 * thread-pool job per cookie, which was most of the cost of signing a new session's
 * cookie on Node. Signatures are compared in constant time.
 */
export interface CookieSigner {
  sign(id: string): Promise<string>
  /** The id when the value is well-formed and signed by one of the secrets, else null. */
  verify(value: string): Promise<string | null>
}

const VALUE_PATTERN = /^([A-Za-z0-9_-]{43})\.([A-Za-z0-9_-]{43})$/

export function createCookieSigner(secrets: readonly string[]): CookieSigner {
  if (secrets.length === 0) throw new Error('at least one session secret is required')
  const encoder = new TextEncoder()
  const macs = secrets.map((secret) => hmacSha256(encoder.encode(secret)))

  return {
    async sign(id) {
      return `${id}.${toBase64Url(macs[0]!(encoder.encode(id)))}`
    },
    async verify(value) {
      const match = VALUE_PATTERN.exec(value)
      if (!match) return null
      const id = match[1]!
      const signature = fromBase64(match[2]!)
      if (!signature || !SESSION_ID_PATTERN.test(id)) return null
      const data = encoder.encode(id)
      // Every secret is tried, whichever matches: the time taken tells nothing about which one did.
      let signed = false
      for (const mac of macs) signed = sameBytes(mac(data), signature) || signed
      return signed ? id : null
    },
  }
}
