import { SessionConflictError, SessionUsageError } from '../domain/errors.js'
import { isLive, type StoredSession } from '../domain/session.js'
import type { Increment, SessionChange, SessionRepository } from '../domain/session-repository.js'

/**
 * Keeps sessions in a Map inside this instance: for tests, development and
 * single-process deployments. Sessions vanish with the process.
 *
 * @example
 *   const repository = new MemorySessionRepository()
 *   app.use(sessionMiddleware({ repository, secret }))
 */
export class MemorySessionRepository implements SessionRepository {
  readonly #items = new Map<string, StoredSession>()

  async load(key: string, now: number): Promise<StoredSession | null> {
    const item = this.#live(key, now)
    return item ? structuredClone(item) : null
  }

  async create(session: StoredSession): Promise<void> {
    if (this.#items.has(session.key)) throw new SessionConflictError('a session with this key already exists')
    this.#items.set(session.key, structuredClone(session))
  }

  async update(key: string, change: SessionChange, now: number): Promise<number | null> {
    const item = this.#live(key, now)
    if (!item) return null
    if (change.expectedVersion !== undefined && item.version !== change.expectedVersion) {
      throw new SessionConflictError()
    }
    const data = { ...item.data, ...structuredClone(change.set) }
    for (const k of change.remove) delete data[k]
    const version = item.version + 1
    this.#items.set(key, { ...item, data, expires: change.expires, version })
    return version
  }

  async increment(key: string, field: string, by: number, expires: number, now: number): Promise<Increment | null> {
    const item = this.#live(key, now)
    if (!item) return null
    const before = item.data[field] ?? 0
    if (typeof before !== 'number') throw new SessionUsageError(`session field "${field}" is not a number`)
    const value = before + by
    const version = item.version + 1
    this.#items.set(key, { ...item, data: { ...item.data, [field]: value }, expires, version })
    return { value, version, maxExpires: item.maxExpires }
  }

  async delete(key: string): Promise<void> {
    this.#items.delete(key)
  }

  /** How many sessions are held, expired ones included (for tests and the operator CLI). */
  get size(): number {
    return this.#items.size
  }

  #live(key: string, now: number): StoredSession | undefined {
    const item = this.#items.get(key)
    return item && isLive(item, now) ? item : undefined
  }
}
