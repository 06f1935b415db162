// Base64 both ways, Web-standard (btoa/atob), for ids, signatures and the cookies of
// other systems. The one decoder takes either alphabet, padded or not.

export function toBase64Url(bytes: Uint8Array): string {
  let binary = ''
  for (const b of bytes) binary += String.fromCharCode(b)
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

/** Bytes from base64 or base64url text, or null when the text is neither. */
export function fromBase64(text: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(text)) return null
  const plain = text.replace(/=+$/, '').replace(/-/g, '+').replace(/_/g, '/')
  try {
    const binary = atob(plain + '='.repeat((4 - (plain.length % 4)) % 4))
    const out = new Uint8Array(binary.length)
    for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i)
    return out
  } catch {
    return null
  }
}
