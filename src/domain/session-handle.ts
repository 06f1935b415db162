import { toBase64Url } from './base64.js'

/**
 * The handle a user sees for one of their sessions: derived from the storage key by a
 * labelled SHA-256, so it is neither the session id nor the key as stored. The key is
 * itself a hash of the id, so nobody (a table reader, a page viewer) can go from a
 * handle back to a working cookie.
 */
export async function handleFor(key: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`session-handle:${key}`))
  return toBase64Url(new Uint8Array(digest)).slice(0, 32)
}
