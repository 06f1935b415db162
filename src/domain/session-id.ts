// Session ids and the storage keys derived from them. Web-standard APIs and plain
// JavaScript only, so this runs on every runtime Hono supports.
import { toBase64Url } from './base64.js'
import { sha256 } from './sha256.js'

const ID_BYTES = 32 // 256 bits from the CSPRNG; OWASP asks for at least 64 bits of entropy.

/** A session id: 43 base64url characters. */
export const SESSION_ID_PATTERN = /^[A-Za-z0-9_-]{43}$/

export function generateSessionId(): string {
  return toBase64Url(crypto.getRandomValues(new Uint8Array(ID_BYTES)))
}

/**
 * The key a session is stored under: SHA-256 of its id. Someone who can read the
 * table learns keys that cannot be replayed as cookies. Hashed in JavaScript, not by
 * Web Crypto: the same digest at a tenth of the CPU for an input this short (sha256.ts).
 */
export async function storageKeyFor(id: string): Promise<string> {
  return toBase64Url(sha256(new TextEncoder().encode(id)))
}

/** A short, non-reversible tag for logs: enough to correlate lines, useless as a credential. */
export async function logTagFor(id: string): Promise<string> {
  return (await storageKeyFor(`log:${id}`)).slice(0, 12)
}
