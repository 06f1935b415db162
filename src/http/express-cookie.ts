import { lazyHmacKeys } from './hmac-keys.js'

/**
 * Verifies cookies signed by express-session (through the cookie-signature
 * package): `s:` + id + `.` + base64 HMAC-SHA256 of the id without padding,
 * URL-encoded. Web Crypto only; crypto.subtle.verify compares in constant time.
 */
export interface ExpressCookieVerifier {
  /** The express-session id when the raw cookie value verifies with one of the secrets, else null. */
  verify(raw: string): Promise<string | null>
}

export function createExpressCookieVerifier(secrets: readonly string[]): ExpressCookieVerifier {
  if (secrets.length === 0) throw new Error('at least one express-session secret is required')
  const getKeys = lazyHmacKeys(secrets, ['verify'])
  return {
    async verify(raw) {
      let value: string
      try {
        value = decodeURIComponent(raw)
      } catch {
        return null
      }
      if (!value.startsWith('s:') || value.length > 512) return null
      const dot = value.lastIndexOf('.')
      if (dot <= 2) return null
      const id = value.slice(2, dot)
      const signature = decodeBase64(value.slice(dot + 1))
      if (!signature || signature.byteLength !== 32) return null
      const data = new TextEncoder().encode(id)
      for (const key of await getKeys()) {
        if (await crypto.subtle.verify('HMAC', key, signature, data)) return id
      }
      return null
    },
  }
}

function decodeBase64(text: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[A-Za-z0-9+/]+$/.test(text)) return null
  try {
    const binary = atob(text + '='.repeat((4 - (text.length % 4)) % 4))
    const out = new Uint8Array(binary.length)
    for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i)
    return out
  } catch {
    return null
  }
}
