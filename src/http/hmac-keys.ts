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
