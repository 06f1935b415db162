/**
 * HMAC-SHA256 keys for a list of secrets, imported with Web Crypto once, on first
 * use (importKey is asynchronous, so it cannot run when the middleware is built).
 */
export function lazyHmacKeys(secrets: readonly string[], usages: KeyUsage[]): () => Promise<CryptoKey[]> {
  let keys: Promise<CryptoKey[]> | undefined
  return () =>
    (keys ??= Promise.all(
      secrets.map((secret) =>
        crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, usages),
      ),
    ))
}

/**
 * Whether any of the keys signed `data` with `signature`; the first key that does
 * ends the search. crypto.subtle.verify compares in constant time.
 */
export async function signedByAny(keys: readonly CryptoKey[], signature: BufferSource, data: string): Promise<boolean> {
  const bytes = new TextEncoder().encode(data)
  for (const key of keys) {
    if (await crypto.subtle.verify('HMAC', key, signature, bytes)) return true
  }
  return false
}
