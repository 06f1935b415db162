/** Cookie attributes for the session cookie (RFC 6265bis). */
export type SameSite = 'Strict' | 'Lax' | 'None'

export interface CookieSettings {
  readonly name: string
  readonly sameSite: SameSite
  /** Longest Cookie header we parse; longer ones are treated as carrying no session. */
  readonly maxHeaderLength: number
}

/**
 * The name a cookie has on this request. Over HTTPS it takes the `__Host-`
 * prefix, which browsers only accept with Secure, Path=/ and no Domain, so a
 * sibling subdomain cannot plant or shadow it.
 */
export const cookieNameFor = (settings: CookieSettings, secure: boolean): string =>
  secure ? `__Host-${settings.name}` : settings.name

/** The first value of `name` in a Cookie header, or null. Never throws. */
export function readCookie(header: string | undefined, name: string, maxLength: number): string | null {
  if (!header || header.length > maxLength) return null
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq < 0) continue
    if (part.slice(0, eq).trim() !== name) continue
    let value = part.slice(eq + 1).trim()
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1)
    return value
  }
  return null
}

export function serializeSessionCookie(
  name: string,
  value: string,
  options: { maxAgeSeconds: number; secure: boolean; sameSite: SameSite },
): string {
  const parts = [`${name}=${value}`, `Max-Age=${Math.max(0, Math.floor(options.maxAgeSeconds))}`, 'Path=/', 'HttpOnly']
  // SameSite=None is only honoured together with Secure.
  if (options.secure || options.sameSite === 'None') parts.push('Secure')
  parts.push(`SameSite=${options.sameSite}`)
  if (options.maxAgeSeconds <= 0) parts.push('Expires=Thu, 01 Jan 1970 00:00:00 GMT')
  return parts.join('; ')
}
