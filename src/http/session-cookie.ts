import type { Context } from 'hono'
import { generateCookie, getCookie } from 'hono/cookie'

/** Cookie attributes for the session cookie (RFC 6265bis). */
export type SameSite = 'Strict' | 'Lax' | 'None'

/** A cookie name must be an RFC 6265 token. */
export const COOKIE_NAME_PATTERN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,64}$/

/** A host name (labels of letters, digits and hyphens), optionally with the leading dot browsers ignore. */
const DOMAIN_PATTERN = /^\.?(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/

/** An absolute path of visible ASCII without `;` (RFC 6265 path-value), at most 1024 characters. */
const PATH_PATTERN = /^\/[\x21-\x3A\x3C-\x7E]{0,1023}$/

/** Browsers cap a cookie's lifetime at 400 days (RFC 6265bis), and hono refuses more. */
const MAX_COOKIE_AGE_SECONDS = 400 * 86_400

export interface CookieSettings {
  readonly name: string
  readonly sameSite: SameSite
  /** `/` unless configured. */
  readonly path: string
  readonly domain: string | undefined
  readonly partitioned: boolean
  /** Whether an issued cookie carries Max-Age, unless the request says otherwise. */
  readonly persistent: boolean
  /** Longest Cookie header we parse (in linear time); a longer one is refused with 431, the session untouched. */
  readonly maxHeaderLength: number
}

/** The middleware options that shape the cookie, as a caller may pass them. */
export interface CookieOptions {
  /**
   * Default `sid`. Over HTTPS it becomes `__Host-sid` when the cookie has Path=/ and no
   * Domain (the prefix's rules), else `__Secure-sid`; over plain HTTP it stays `sid`.
   */
  readonly cookieName?: string
  readonly sameSite?: SameSite
  /** The cookie's Domain, e.g. `example.com` to share it with subdomains; default none (this host only). */
  readonly cookieDomain?: string
  /** The cookie's Path; default `/`. */
  readonly cookiePath?: string
  /** Send the cookie with `Partitioned` (CHIPS), for an app embedded in other sites; implies Secure. Default false. */
  readonly partitioned?: boolean
  /**
   * Default true: the cookie carries Max-Age and outlives the browser. False: a
   * browser-session cookie, with neither Max-Age nor Expires; logging out still expires it.
   */
  readonly persistentCookie?: boolean
  /** Longest Cookie header parsed; a longer one is answered 431, the session untouched. Default 16384 (Node's whole-header limit). */
  readonly maxCookieHeaderLength?: number
}

/** The cookie settings with defaults filled in; throws a one-line error naming the option that is wrong. */
export function cookieSettings(
  options: CookieOptions,
  defaults: { readonly cookieName: string; readonly sameSite: SameSite; readonly maxCookieHeaderLength: number },
): CookieSettings {
  const wrong = (message: string) => new Error(`sessionMiddleware: ${message}`)
  const name = options.cookieName ?? defaults.cookieName
  if (typeof name !== 'string' || !COOKIE_NAME_PATTERN.test(name)) {
    throw wrong("cookieName must be a cookie token (letters, digits, !#$%&'*+-.^_`|~)")
  }
  // A name that already carries a prefix would get a second one over HTTPS.
  if (/^__(host|secure)-/i.test(name)) throw wrong('cookieName must not start with __Host- or __Secure-: the prefix is added over HTTPS')
  const sameSite = options.sameSite ?? defaults.sameSite
  if (sameSite !== 'Strict' && sameSite !== 'Lax' && sameSite !== 'None') throw wrong('sameSite must be Strict, Lax or None')
  const domain = options.cookieDomain
  if (domain !== undefined && (typeof domain !== 'string' || !DOMAIN_PATTERN.test(domain))) {
    throw wrong('cookieDomain must be a host name such as example.com')
  }
  const path = options.cookiePath ?? '/'
  if (typeof path !== 'string' || !PATH_PATTERN.test(path)) {
    throw wrong('cookiePath must start with / and hold only visible ASCII characters other than ;')
  }
  const partitioned = options.partitioned ?? false
  if (typeof partitioned !== 'boolean') throw wrong('partitioned must be true or false')
  const persistent = options.persistentCookie ?? true
  if (typeof persistent !== 'boolean') throw wrong('persistentCookie must be true or false')
  const maxHeaderLength = options.maxCookieHeaderLength ?? defaults.maxCookieHeaderLength
  if (!Number.isInteger(maxHeaderLength) || maxHeaderLength < 1) throw wrong('maxCookieHeaderLength must be a whole number, 1 or more')
  return { name, sameSite, path, domain, partitioned, persistent, maxHeaderLength }
}

/**
 * The name a cookie has on this request. Over HTTPS it takes the `__Host-` prefix,
 * which browsers only accept with Secure, Path=/ and no Domain, so a sibling
 * subdomain cannot plant or shadow it; a cookie with a Domain or another Path cannot
 * have that prefix and takes `__Secure-`, which at least proves it was set over HTTPS.
 */
export const cookieNameFor = (settings: CookieSettings, secure: boolean): string => {
  if (!secure) return settings.name
  return settings.path === '/' && settings.domain === undefined ? `__Host-${settings.name}` : `__Secure-${settings.name}`
}

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

/** One Set-Cookie of the session cookie, as this request sends it. */
export interface CookieIssue {
  readonly value: string
  /** Seconds the cookie should live; 0 or less expires it at once (logout). */
  readonly maxAgeSeconds: number
  /** The request came over HTTPS. */
  readonly secure: boolean
  /** Whether the cookie outlives the browser session; the settings' `persistent` when left out. */
  readonly persistent?: boolean
}

/**
 * A Set-Cookie line through hono's serialiser, which checks the prefix rules and
 * refuses attribute injection. An expiring cookie always carries Max-Age=0 and an
 * Expires in the past, so it also ends a browser-session cookie.
 */
export function serializeSessionCookie(name: string, settings: CookieSettings, issue: CookieIssue): string {
  const maxAge = Math.min(MAX_COOKIE_AGE_SECONDS, Math.max(0, Math.floor(issue.maxAgeSeconds)))
  const ending = maxAge === 0
  const persistent = issue.persistent ?? settings.persistent
  return generateCookie(name, issue.value, {
    ...(ending ? { maxAge: 0, expires: new Date(0) } : persistent ? { maxAge } : {}),
    path: settings.path,
    ...(settings.domain === undefined ? {} : { domain: settings.domain }),
    httpOnly: true,
    // SameSite=None and Partitioned are only honoured together with Secure.
    secure: issue.secure || settings.sameSite === 'None' || settings.partitioned,
    sameSite: settings.sameSite,
    ...(settings.partitioned ? { partitioned: true } : {}),
  })
}
