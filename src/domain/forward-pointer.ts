import { fromBase64, toBase64Url } from './base64.js'
import { SESSION_ID_PATTERN } from './session-id.js'

// A retired id may point to its successor for a short grace window, so requests
// already in flight with the old cookie land on the new session. The pointer is
// sealed (AES-GCM) with a key derived from the old id itself: the table holds only
// the hash of the old id and this ciphertext, so a table reader learns no usable id;
// only a holder of the old cookie can open it, and they were entitled to the session.

const IV_BYTES = 12

async function keyFor(oldId: string, usage: KeyUsage): Promise<CryptoKey> {
  const material = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`forward-pointer:${oldId}`))
  return crypto.subtle.importKey('raw', material, { name: 'AES-GCM' }, false, [usage])
}

export async function sealForward(newId: string, oldId: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES))
  const sealed = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, await keyFor(oldId, 'encrypt'), new TextEncoder().encode(newId))
  const out = new Uint8Array(IV_BYTES + sealed.byteLength)
  out.set(iv)
  out.set(new Uint8Array(sealed), IV_BYTES)
  return toBase64Url(out)
}

/** The successor's id, or null when the pointer does not open with this old id. */
export async function openForward(sealed: string, oldId: string): Promise<string | null> {
  const bytes = fromBase64(sealed)
  if (!bytes || bytes.byteLength <= IV_BYTES) return null
  try {
    const plain = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: bytes.slice(0, IV_BYTES) },
      await keyFor(oldId, 'decrypt'),
      bytes.slice(IV_BYTES),
    )
    const id = new TextDecoder().decode(plain)
    return SESSION_ID_PATTERN.test(id) ? id : null
  } catch {
    return null
  }
}
