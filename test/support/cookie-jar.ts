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
