/** A minimal cookie jar for tests: remembers name=value pairs from Set-Cookie, honours Max-Age=0. */
export class CookieJar {
  readonly #cookies = new Map<string, string>()

  /** Reads every Set-Cookie header of a response. */
  take(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';')
      const eq = pair!.indexOf('=')
      const name = pair!.slice(0, eq).trim()
      const value = pair!.slice(eq + 1).trim()
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a))
      if (expired || value === '') this.#cookies.delete(name)
      else this.#cookies.set(name, value)
    }
  }

  get(name: string): string | undefined {
    return this.#cookies.get(name)
  }

  set(name: string, value: string): void {
    this.#cookies.set(name, value)
  }

  header(): string {
    return [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; ')
  }

  /** Headers for the next request (empty when the jar is empty). */
  headers(extra: Record<string, string> = {}): Record<string, string> {
    const cookie = this.header()
    return cookie ? { ...extra, cookie } : extra
  }
}

/** Anything that answers a request as fetch does: the global fetch, or a Hono app's `request`. */
export type Fetcher = (url: string, init: RequestInit) => Response | Promise<Response>

export interface CookieClient {
  readonly jar: CookieJar
  /** Requests `base + path`; a cookie header in `init` is sent instead of the jar's cookies. */
  request(path: string, init?: RequestInit): Promise<Response>
}

/**
 * A browser-like client over `fetcher`, for in-process apps and real processes alike:
 * each request carries the jar's cookies, and each answer's Set-Cookie goes into the jar.
 * With the default `base` of '', paths are full URLs.
 */
export function cookieClient(fetcher: Fetcher, jar = new CookieJar(), base = ''): CookieClient {
  return {
    jar,
    async request(path, init = {}) {
      const headers = new Headers(init.headers)
      if (jar.header() && !headers.has('cookie')) headers.set('cookie', jar.header())
      const response = await fetcher(`${base}${path}`, { ...init, headers })
      jar.take(response)
      return response
    },
  }
}

/** Parses one Set-Cookie line into its attributes (lower-cased names). */
export function cookieAttributes(line: string): { name: string; value: string; attributes: Map<string, string> } {
  const [pair, ...rest] = line.split(';').map((s) => s.trim())
  const eq = pair!.indexOf('=')
  const attributes = new Map<string, string>()
  for (const a of rest) {
    const i = a.indexOf('=')
    attributes.set((i < 0 ? a : a.slice(0, i)).toLowerCase(), i < 0 ? '' : a.slice(i + 1))
  }
  return { name: pair!.slice(0, eq), value: pair!.slice(eq + 1), attributes }
}
