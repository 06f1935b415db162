import { createHash, createHmac } from 'node:crypto'

/** The session id a cookie value carries (the part before the dot). */
export const idOf = (cookieValue: string): string => cookieValue.split('.')[0]!

/** The storage key for an id, computed here with node:crypto rather than by the code under test. */
export const expectedKeyFor = (id: string): string => createHash('sha256').update(id).digest('base64url')

/** `<id>.<HMAC-SHA256(secret, id)>`, computed here with node:crypto. */
export const signedWith = (secret: string, id: string): string =>
  `${id}.${createHmac('sha256', secret).update(id).digest('base64url')}`

/** Whether `value` is `<id>.<sig>` with a 43-character id and a signature that decodes to the HMAC under one of the secrets. */
export function isValidlySigned(value: string, secrets: readonly string[]): boolean {
  const match = /^([A-Za-z0-9_-]{43})\.([A-Za-z0-9_-]{43})$/.exec(value)
  if (!match) return false
  const given = Buffer.from(match[2]!, 'base64url')
  return secrets.some((s) => createHmac('sha256', s).update(match[1]!).digest().equals(given))
}

/** Request headers for a same-origin form post from the test client's base URL. */
export const formHeaders = (origin = 'http://localhost') => ({
  'content-type': 'application/x-www-form-urlencoded',
  origin,
})

export const jsonHeaders = { 'content-type': 'application/json' }
