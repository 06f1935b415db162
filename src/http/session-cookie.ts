import type { Context } from 'hono'
import { generateCookie, getCookie } from 'hono/cookie'

/** Cookie attributes for the session cookie (RFC 6265bis). */
export type SameSite = 'Strict' | 'Lax' | 'None'

export interface CookieSettings {
  readonly name: string
  readonly sameSite: SameSite
  /** Longest Cookie header we parse (in linear time); a longer one is refused with 431, the session untouched. */
  readonly maxHeaderLength: number
}

/**
 * The name a cookie has on this request. Over HTTPS it takes the `__Host-`
 * prefix, which browsers only accept with Secure, Path=/ and no Domain, so a
 * sibling subdomain cannot plant or shadow it.
 */
export const cookieNameFor = (settings: CookieSettings, secure: boolean): string =>
  secure ? `__Host-${settings.name}` : settings.name

/** Whether the request's Cookie header is longer than we parse. */
export const cookieHeaderTooLong = (c: Context, maxHeaderLength: number): boolean =>
  (c.req.header('cookie')?.length ?? 0) > maxHeaderLength

/**
 * The first value of `name` in the request's Cookie header, or null. Linear in the
 * header's length, which the caller has bounded; cookies before ours do not hide it.
 */
export function readCookie(c: Context, name: string): string | null {
  return c.req.header('cookie') ? (getCookie(c, name) ?? null) : null
}

/**
 * A Set-Cookie line through hono's serialiser, which checks the `__Host-` rules and
 * refuses attribute injection. A Max-Age of 0 or less clears the cookie.
 */
export function serializeSessionCookie(
  name: string,
  value: string,
  options: { maxAgeSeconds: number; secure: boolean; sameSite: SameSite },
): string {
  const maxAge = Math.max(0, Math.floor(options.maxAgeSeconds))
  return generateCookie(name, value, {
    maxAge,
    path: '/',
    httpOnly: true,
    // SameSite=None is only honoured together with Secure.
    secure: options.secure || options.sameSite === 'None',
    sameSite: options.sameSite,
    ...(maxAge === 0 ? { expires: new Date(0) } : {}),
  })
}
