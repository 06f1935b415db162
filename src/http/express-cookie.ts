import { fromBase64 } from '../domain/base64.js'
import { lazyHmacKeys, signedByAny } from './hmac-keys.js'

/**
 * Verifies cookies signed by express-session (through the cookie-signature
 * package): `s:` + id + `.` + base64 HMAC-SHA256 of the id without padding,
 * URL-encoded. Web Crypto only.
 */
export interface ExpressCookieVerifier {
  /** The express-session id when the cookie value verifies with one of the secrets, else null. */
  verify(value: string): Promise<string | null>
}

export function createExpressCookieVerifier(secrets: readonly string[]): ExpressCookieVerifier {
  if (secrets.length === 0) throw new Error('at least one express-session secret is required')
  const getKeys = lazyHmacKeys(secrets, ['verify'])
  return {
    async verify(raw) {
      const value = decodeOnce(raw)
      if (value === null || !value.startsWith('s:') || value.length > 512) return null
      const dot = value.lastIndexOf('.')
      if (dot <= 2) return null
      const id = value.slice(2, dot)
      const encoded = value.slice(dot + 1)
      // express-session signs with the standard alphabet; a base64url look-alike is not its signature.
      const signature = /^[A-Za-z0-9+/]+$/.test(encoded) ? fromBase64(encoded) : null
      if (!signature || signature.byteLength !== 32) return null
      return (await signedByAny(await getKeys(), signature, id)) ? id : null
    },
  }
}

/** The value URL-decoded, whether or not the cookie parser already did it. */
function decodeOnce(value: string): string | null {
  if (!value.includes('%')) return value
  try {
    return decodeURIComponent(value)
  } catch {
    return null
  }
}
