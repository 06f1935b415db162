// Session ids and the storage keys derived from them. Web Crypto only, so this
// runs on every runtime Hono supports.

const ID_BYTES = 32 // 256 bits from the CSPRNG; OWASP asks for at least 64 bits of entropy.

/** A session id: 43 base64url characters. */
export const SESSION_ID_PATTERN = /^[A-Za-z0-9_-]{43}$/

export function toBase64Url(bytes: Uint8Array): string {
  let binary = ''
  for (const b of bytes) binary += String.fromCharCode(b)
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

export function fromBase64Url(text: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null
  const padded = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4)
  try {
    const binary = atob(padded)
    const out = new Uint8Array(binary.length)
    for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i)
    return out
  } catch {
    return null
  }
}

export function generateSessionId(): string {
  return toBase64Url(crypto.getRandomValues(new Uint8Array(ID_BYTES)))
}

/**
 * The key a session is stored under: SHA-256 of its id. Someone who can read the
 * table learns keys that cannot be replayed as cookies.
 */
export async function storageKeyFor(id: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(id))
  return toBase64Url(new Uint8Array(digest))
}

/** A short, non-reversible tag for logs: enough to correlate lines, useless as a credential. */
export async function logTagFor(id: string): Promise<string> {
  return (await storageKeyFor(`log:${id}`)).slice(0, 12)
}
