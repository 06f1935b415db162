import { fromBase64Url, SESSION_ID_PATTERN, toBase64Url } from '../domain/session-id.js'
import { lazyHmacKeys } from './hmac-keys.js'

/**
 * Signs session ids with HMAC-SHA256 (Web Crypto). The first secret signs;
 * every secret verifies, so keys rotate without logging anyone out.
 * Cookie value: `<id>.<signature>`, both base64url.
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
      const signature = fromBase64Url(match[2]!)
      if (!signature || !SESSION_ID_PATTERN.test(id)) return null
      const data = new TextEncoder().encode(id)
      for (const key of await getKeys()) {
        // crypto.subtle.verify compares in constant time.
        if (await crypto.subtle.verify('HMAC', key, signature, data)) return id
      }
      return null
    },
  }
}
