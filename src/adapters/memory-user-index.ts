import { lineageOf, type StoredSession } from '../domain/session.js'
import type { RevokeSelection } from '../domain/session-repository.js'

interface Entry {
  readonly createdAt: number
  readonly maxExpires: number
  readonly lineage: string
}

/**
 * The memory store's user index: user id → storage key → entry. The same rules as
 * the DynamoDB index (dynamodb-user-index.ts), applied in one synchronous step each,
 * which is what makes them atomic here: a login drops entries past their deadline and
 * ends the oldest beyond the cap; a renewal swaps keys only while the old one is
 * listed; a revocation selects by lineage.
 */
export class MemoryUserIndex {
  readonly #users = new Map<string, Map<string, Entry>>()

  constructor(private readonly maxPerUser: number) {}

  keys(userId: string): string[] {
    return [...(this.#users.get(userId)?.keys() ?? [])]
  }

  lists(userId: string, key: string): boolean {
    return this.#users.get(userId)?.has(key) ?? false
  }

  /** Lists a logged-in session (taking `replacedKey` out); returns the keys of the sessions the cap ends. */
  login(session: StoredSession, replacedKey: string | null, now: number): string[] {
    const entries = this.#entries(session.user!.id)
    if (replacedKey) entries.delete(replacedKey)
    for (const [key, entry] of entries) if (entry.maxExpires <= now) entries.delete(key)
    const oldest = [...entries].sort(([, a], [, b]) => a.createdAt - b.createdAt)
    const evicted = oldest.slice(0, Math.max(0, oldest.length + 1 - this.maxPerUser)).map(([key]) => key)
    for (const key of evicted) entries.delete(key)
    entries.set(session.key, { createdAt: session.createdAt, maxExpires: session.maxExpires, lineage: lineageOf(session) })
    return evicted
  }

  /** A renewed session takes its old key's place. */
  swap(session: StoredSession, oldKey: string): void {
    const entries = this.#entries(session.user!.id)
    entries.delete(oldKey)
    entries.set(session.key, { createdAt: session.createdAt, maxExpires: session.maxExpires, lineage: lineageOf(session) })
  }

  drop(userId: string, key: string): void {
    this.#users.get(userId)?.delete(key)
  }

  /** Takes the selected lineages out; returns their keys (to end) and how many were still within their deadline. */
  revoke(userId: string, which: RevokeSelection, now: number): { keys: string[]; count: number } {
    const entries = this.#entries(userId)
    const chosen = [...entries].filter(([, e]) =>
      which === 'all' ? true : 'except' in which ? e.lineage !== which.except : which.only.includes(e.lineage),
    )
    for (const [key] of chosen) entries.delete(key)
    return { keys: chosen.map(([key]) => key), count: chosen.filter(([, e]) => e.maxExpires > now).length }
  }

  #entries(userId: string): Map<string, Entry> {
    let entries = this.#users.get(userId)
    if (!entries) this.#users.set(userId, (entries = new Map()))
    return entries
  }
}
