import { nextCount } from '../domain/counters.js'
import { SessionConflictError, SessionRetiredError } from '../domain/errors.js'
import { sameJson } from '../domain/same-json.js'
import { isLive, lineageOf, type SessionData, type StoredSession } from '../domain/session.js'
import type { Increment, Replacement, Retirement, RevokeSelection, SessionChange, SessionRepository, UserSessionEntry } from '../domain/session-repository.js'
import { MemoryUserIndex } from './memory-user-index.js'

/** Options of MemorySessionRepository; all have defaults. */
export interface MemorySessionRepositoryOptions {
  /**
   * Most sessions held at once; beyond it the least recently written is dropped.
   * Default 10 000. Keeps memory flat under traffic that never returns its cookie.
   */
  readonly maxSessions?: number
  /** Expired sessions are swept out at most this often, in seconds of store time. Default 60. */
  readonly sweepIntervalSeconds?: number
  /** Most sessions one user may hold; a login beyond it ends the oldest. Default 50. */
  readonly maxSessionsPerUser?: number
  /**
   * Milliseconds every call waits before it runs, as a call to a network store would.
   * Default 0 (at once). Set it (1 is enough) in tests, so parallel requests interleave
   * between their reads and their writes as they do on DynamoDB, and the app's conflict
   * path (a 409, or update()'s retries) is exercised without DynamoDB.
   */
  readonly latencyMs?: number
}

/**
 * Keeps sessions in a Map inside this instance: for tests, development and
 * single-process deployments. Sessions vanish with the process, and each process
 * (or Worker isolate) has its own. Expired sessions are swept out as the store is
 * used, and at most `maxSessions` are kept.
 *
 * @example
 *   const repository = new MemorySessionRepository()
 *   app.use(sessionMiddleware({ repository, secret }))
 */
export class MemorySessionRepository implements SessionRepository {
  /** Insertion order is write order: a write re-inserts, so the first entry is the least recently written. */
  readonly #items = new Map<string, StoredSession>()
  /** Keys retired by replace(), until their grace window ends. */
  readonly #retired = new Map<string, Retirement>()
  readonly #users: MemoryUserIndex
  readonly #maxSessions: number
  readonly #sweepInterval: number
  #lastSweep = Number.NEGATIVE_INFINITY
  readonly #latencyMs: number

  constructor(options: MemorySessionRepositoryOptions = {}) {
    this.#maxSessions = Math.max(1, options.maxSessions ?? 10_000)
    this.#sweepInterval = options.sweepIntervalSeconds ?? 60
    this.#users = new MemoryUserIndex(Math.max(1, options.maxSessionsPerUser ?? 50))
    this.#latencyMs = Math.max(0, options.latencyMs ?? 0)
  }

  async load(key: string, now: number): Promise<StoredSession | null> {
    await this.#wait()
    const item = this.#live(key, now)
    return item ? structuredClone(item) : null
  }

  async create(session: StoredSession): Promise<void> {
    await this.#wait()
    this.#sweep(session.createdAt)
    if (this.#items.has(session.key)) throw new SessionConflictError('a session with this key already exists')
    this.#put(structuredClone(session))
    if (session.user) this.#endAll(this.#users.login(session, null, session.createdAt))
  }

  async update(key: string, change: SessionChange, now: number): Promise<number | null> {
    await this.#wait()
    const item = this.#live(key, now)
    if (!item) return null
    if (change.expectedVersion !== undefined && item.version !== change.expectedVersion) {
      throw new SessionConflictError()
    }
    for (const [field, expected] of change.expect ?? []) {
      const actual = Object.hasOwn(item.data, field) ? item.data[field] : undefined
      if (!sameJson(actual, expected)) throw new SessionConflictError(`session key "${field}" was changed by another request`)
    }
    const data = new Map(Object.entries(item.data))
    for (const [field, value] of Object.entries(change.set)) data.set(field, structuredClone(value))
    for (const field of change.remove) data.delete(field)
    const version = item.version + 1
    const persistent = change.persistent ?? item.persistent
    this.#put({ ...item, data: Object.fromEntries(data) as SessionData, expires: change.expires, version, ...(persistent === undefined ? {} : { persistent }) })
    return version
  }

  async increment(key: string, field: string, by: number, expires: number, now: number): Promise<Increment | null> {
    await this.#wait()
    const item = this.#live(key, now)
    if (!item) return null
    const previous = Object.hasOwn(item.data, field) ? item.data[field] : undefined
    const value = nextCount(field, previous, by)
    const version = item.version + 1
    const data = Object.fromEntries([...Object.entries(item.data), [field, value]])
    this.#put({ ...item, data, expires, version })
    const persistent = item.persistent === undefined ? {} : { persistent: item.persistent }
    return { value, previous: previous as number | undefined, version, maxExpires: item.maxExpires, createdAt: item.createdAt, ...persistent }
  }

  async replace({ kind, oldKey, expectedVersion, session, retirement, oldUser }: Replacement, now: number): Promise<'replaced' | 'changed' | 'gone'> {
    await this.#wait()
    const old = this.#live(oldKey, now)
    if (!old) return 'gone'
    if (old.version !== expectedVersion) return 'changed'
    if (this.#items.has(session.key)) return 'changed'
    const continues = kind === 'renewal' || !session.user
    // A renewal of a bound session holds only while its user still lists it (a revocation came first otherwise).
    if (continues && session.user && !this.#users.lists(session.user.id, oldKey)) return 'changed'
    this.#items.delete(oldKey)
    this.#retired.set(oldKey, retirement)
    this.#put(structuredClone(session))
    if (continues && session.user) this.#users.swap(session, oldKey)
    else if (session.user) this.#endAll(this.#users.login(session, oldUser?.id === session.user.id ? oldKey : null, now))
    if (oldUser && oldUser.id !== session.user?.id) this.#users.drop(oldUser.id, oldKey)
    return 'replaced'
  }

  async listUserSessions(userId: string, now: number): Promise<UserSessionEntry[]> {
    await this.#wait()
    const entries: UserSessionEntry[] = []
    for (const key of this.#users.keys(userId)) {
      const item = this.#items.get(key)
      if (!item || !isLive(item, now) || item.user?.id !== userId) continue
      entries.push({ key, createdAt: item.createdAt, expires: item.expires, device: item.user.device, lineage: lineageOf(item) })
    }
    return entries
  }

  async revokeUserSessions(userId: string, which: RevokeSelection, now: number): Promise<number> {
    await this.#wait()
    const ended = this.#users.revoke(userId, which, now)
    this.#endAll(ended.keys)
    return ended.count
  }

  async end(key: string, now: number): Promise<boolean> {
    await this.#wait()
    const retirement = this.#retired.get(key)
    if (retirement && retirement.until > now) throw new SessionRetiredError(retirement.forward)
    const item = this.#items.get(key)
    this.#items.delete(key)
    if (item?.user) this.#users.drop(item.user.id, key)
    return item !== undefined && isLive(item, now)
  }

  /** The configured latency; nothing (not even a tick) when it is 0, so the store stays synchronous inside. */
  async #wait(): Promise<void> {
    if (this.#latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.#latencyMs))
  }

  #endAll(keys: Iterable<string>): void {
    for (const key of keys) this.#items.delete(key)
  }

  /** How many sessions are held, expired ones not yet swept included (for tests and the operator CLI). */
  get size(): number {
    return this.#items.size
  }

  #put(item: StoredSession): void {
    this.#items.delete(item.key)
    this.#items.set(item.key, item)
    for (const oldest of this.#items.keys()) {
      if (this.#items.size <= this.#maxSessions) break
      this.#items.delete(oldest)
    }
  }

  /** Drops every expired session, at most once per sweep interval, so the cost is spread thin. */
  #sweep(now: number): void {
    if (now - this.#lastSweep < this.#sweepInterval) return
    this.#lastSweep = now
    for (const [key, item] of this.#items) if (!isLive(item, now)) this.#items.delete(key)
    for (const [key, retirement] of this.#retired) if (retirement.until <= now) this.#retired.delete(key)
  }

  /** The live session under `key`; throws for a key retired within its grace window. */
  #live(key: string, now: number): StoredSession | undefined {
    const retirement = this.#retired.get(key)
    if (retirement && retirement.until > now) throw new SessionRetiredError(retirement.forward)
    const item = this.#items.get(key)
    return item && isLive(item, now) ? item : undefined
  }
}
