import type { SessionData } from './session.js'

/**
 * Which keys a request has read, and the values it saw. A later write to such a key
 * is a read-modify-write, conditioned on the value still being the one seen; keys
 * never read are written blind.
 */
export class ReadSet {
  readonly #seen = new Map<string, unknown>()
  #everything: Readonly<SessionData> | null = null

  /** The request saw `value` under `key` (undefined: absent). The first sighting counts. */
  saw(key: string, value: unknown): void {
    if (!this.#seen.has(key)) this.#seen.set(key, value)
  }

  /** The request saw the whole data (all()): every key, including the absent ones. */
  sawAll(data: Readonly<SessionData>): void {
    this.#everything ??= data
  }

  /** The stored value has moved on by this request's own write (an increment): that value is now what it saw. */
  replace(key: string, value: unknown): void {
    this.#seen.set(key, value)
  }

  /** The conditions for writing `keys`: each read key must still hold what was seen. */
  expectationsFor(keys: Iterable<string>): Map<string, unknown> {
    const expect = new Map<string, unknown>()
    for (const key of keys) {
      if (this.#seen.has(key)) expect.set(key, this.#seen.get(key))
      else if (this.#everything !== null) expect.set(key, Object.hasOwn(this.#everything, key) ? this.#everything[key] : undefined)
    }
    return expect
  }

  /** Whether the request read nothing of the stored data. */
  isEmpty(): boolean {
    return this.#seen.size === 0 && this.#everything === null
  }

  clear(): void {
    this.#seen.clear()
    this.#everything = null
  }
}
