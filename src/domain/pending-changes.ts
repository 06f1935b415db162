import { SessionUsageError } from './errors.js'
import type { SessionData } from './session.js'

/** One key's change, not yet saved: a new value, or removal. */
export type PendingChange = { readonly value: unknown } | { readonly removed: true }

/** The top-level keys a write sets and removes. */
export interface KeyWrites {
  readonly set: SessionData
  readonly remove: string[]
}

/**
 * The changes a request has made but not saved, one per top-level key; the last
 * call for a key wins. Values are already checked and copied by the caller.
 */
export class PendingChanges {
  readonly #changes = new Map<string, PendingChange>()

  set(key: string, value: unknown): void {
    this.#changes.set(key, value === undefined ? { removed: true } : { value })
  }

  remove(key: string): void {
    this.#changes.set(key, { removed: true })
  }

  get(key: string): PendingChange | undefined {
    return this.#changes.get(key)
  }

  has(key: string): boolean {
    return this.#changes.has(key)
  }

  keys(): IterableIterator<string> {
    return this.#changes.keys()
  }

  get size(): number {
    return this.#changes.size
  }

  clear(): void {
    this.#changes.clear()
  }

  /**
   * Adds `by` to a key this request has already changed, without the store: a set
   * value grows, a removed key counts from zero. Returns the new value.
   */
  addTo(key: string, by: number): number {
    const change = this.#changes.get(key)
    const base = change === undefined || 'removed' in change ? 0 : change.value
    if (typeof base !== 'number') throw new SessionUsageError(`session field "${key}" is not a number`)
    const value = base + by
    this.#changes.set(key, { value })
    return value
  }

  /** `base` with these changes applied, as a new object (built without assignment, so no key reaches a prototype). */
  applyTo(base: Readonly<SessionData> | null): SessionData {
    const merged = new Map(Object.entries(base ?? {}))
    for (const [key, change] of this.#changes) {
      if ('removed' in change) merged.delete(key)
      else merged.set(key, change.value)
    }
    return Object.fromEntries(merged)
  }

  /** The changes as a write: keys to set and keys to remove. */
  toWrites(): KeyWrites {
    const set: SessionData = {}
    const remove: string[] = []
    for (const [key, change] of this.#changes) {
      if ('removed' in change) remove.push(key)
      else Object.defineProperty(set, key, { value: change.value, enumerable: true, writable: true, configurable: true })
    }
    return { set, remove }
  }
}
