import { fromBase64, toBase64Url } from '../domain/base64.js'
import { SESSION_ID_PATTERN } from '../domain/session-id.js'
import { lazyHmacKeys, signedByAny } from './hmac-keys.js'

/**
 * Signs session ids with HMAC-SHA256 (Web Crypto). The first secret signs;
 * every secret verifies, so keys rotate without logging anyone out.
 * Cookie value: `<id>.<signature>`, both base64url.
 *
 * Our own signer rather than hono/cookie's signed helpers: those take a single
 * secret, so rotating it would log every visitor out.
 */
export interface CookieSigner {
  sign(id: string): Promise<string>
  /** The id when the value is well-formed and signed by one of the secrets, else null. */
  verify(value: string): Promise<string | null>
}

const VALUE_PATTERN = /^([A-Za-z0-9_-]{43})\.([A-Za-z0-9_-]{43})$/

export function createCookieSigner(secrets: readonly string[]): CookieSigner {
  if (secrets.length === 0) throw new Error('at least one session secret is required')
  const getKeys = lazyHmacKeys(secrets, ['sign', 'verify'])

  return {
    async sign(id) {
      const [key] = await getKeys()
      const mac = await crypto.subtle.sign('HMAC', key!, new TextEncoder().encode(id))
      return `${id}.${toBase64Url(new Uint8Array(mac))}`
    },
    async verify(value) {
      const match = VALUE_PATTERN.exec(value)
      if (!match) return null
      const id = match[1]!
      const signature = fromBase64(match[2]!)
      if (!signature || !SESSION_ID_PATTERN.test(id)) return null
      return (await signedByAny(await getKeys(), signature, id)) ? id : null
    },
  }
}
