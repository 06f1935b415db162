import { SessionConflictError, SessionTooLargeError, SessionUsageError } from './errors.js'
import {
  dataSize,
  endsAt,
  isValidDataKey,
  needsRefresh,
  newStoredSession,
  toJsonValue,
  type SessionData,
  type SessionLifetime,
  type StoredSession,
} from './session.js'
import { generateSessionId, storageKeyFor } from './session-id.js'
import type { Increment, SessionRepository } from './session-repository.js'
import { sameJson } from './same-json.js'

/** The session as a request handler sees it. Reads load lazily; writes are saved once, after the handler. */
export interface Session {
  /** True until the session has been saved at least once. */
  readonly isNew: boolean
  get<T = unknown>(key: string): Promise<T | undefined>
  /** A copy of all data, with this request's changes applied. */
  all(): Promise<SessionData>
  set(key: string, value: unknown): void
  delete(key: string): void
  /** Adds `by` to a numeric field atomically in the store and returns the new value. */
  increment(field: string, by?: number): Promise<number>
  /** Moves the data to a new id and deletes the old one (call it on login). */
  regenerate(): Promise<void>
  /** Deletes the session and expires the cookie (call it on logout). */
  destroy(): Promise<void>
}

export interface SessionPolicy extends SessionLifetime {
  /** Refresh the idle deadline on a read when less than this fraction of the TTL is left. */
  readonly refreshThreshold: number
  /** Largest session data, as JSON bytes. */
  readonly maxBytes: number
  /** How often a conflicting write is re-read and re-applied before giving up. */
  readonly maxRetries: number
}

/** What the cookie should do after the request. */
export type CookieAction =
  | { readonly kind: 'none' }
  | { readonly kind: 'set'; readonly id: string; readonly maxAgeSeconds: number }
  | { readonly kind: 'clear' }

/** What happened to the session during the request, for logs. */
export type SessionOutcome = 'untouched' | 'new' | 'loaded' | 'written' | 'destroyed' | 'failed'

/** A session of a previous system to move into this one, bound to one request. */
export interface LegacyImport {
  /** The old session's data, or null when there is none (or it expired). */
  load(now: number): Promise<SessionData | null>
  /** Deletes the old session once its data lives here. */
  retire(): Promise<void>
}

type Pending = { readonly value: unknown } | { readonly removed: true }

interface Current {
  id: string
  key: string
  /** The stored session as last read or written; null when it is not in the store (yet). */
  stored: StoredSession | null
  /** Whether `stored` reflects a read (or the store is known to hold nothing under this id). */
  known: boolean
}

/**
 * One request's view of one session: a unit of work over the repository.
 *
 * Created from the id a verified cookie carried (or none). Nothing touches the
 * store until the handler reads or writes; `commit()` then writes only the keys
 * that changed, guarded by the version that was read.
 */
export class RequestSession implements Session {
  #current: Current | null = null
  readonly #pending = new Map<string, Pending>()
  #retiredKeys: string[] = []
  #dirtyExpiry = false
  #destroyed = false
  #regenerated = false
  #touched = false
  #identifying: Promise<Current> | null = null
  #loading: Promise<Current> | null = null
  /** Deadlines carried over by regenerate(), so a new id does not extend the absolute lifetime. */
  #inherited: StoredSession | null = null
  #legacyState: 'unread' | 'absent' | 'imported' = 'unread'
  #retireLegacy = false
  #legacyRetired = false

  constructor(
    private readonly repository: SessionRepository,
    private readonly policy: SessionPolicy,
    private readonly nowSeconds: () => number,
    private readonly incomingId: string | null,
    /** Only consulted when the request carried no valid session of ours. */
    private readonly legacy: LegacyImport | null = null,
  ) {}

  /** Whether this request moved a legacy session here and deleted the old one. */
  get legacyRetired(): boolean {
    return this.#legacyRetired
  }

  get isNew(): boolean {
    return this.#current?.stored == null
  }

  async get<T = unknown>(key: string): Promise<T | undefined> {
    const data = await this.all()
    return data[key] as T | undefined
  }

  async all(): Promise<SessionData> {
    await this.#importLegacy()
    const current = await this.#load()
    const data: SessionData = structuredClone({ ...(current.stored?.data ?? {}) })
    for (const [k, p] of this.#pending) {
      if ('removed' in p) delete data[k]
      else data[k] = structuredClone(p.value)
    }
    return data
  }

  set(key: string, value: unknown): void {
    assertKey(key)
    const json = toJsonValue(value)
    this.#touched = true
    this.#pending.set(key, json === undefined ? { removed: true } : { value: json })
  }

  delete(key: string): void {
    assertKey(key)
    this.#touched = true
    this.#pending.set(key, { removed: true })
  }

  async increment(field: string, by = 1): Promise<number> {
    assertKey(field)
    if (!Number.isFinite(by)) throw new SessionUsageError('increment needs a finite number')
    this.#touched = true
    await this.#importLegacy()
    const current = await this.#identify()
    const local = this.#pending.get(field)
    if (current.stored !== null || (!current.known && local === undefined)) {
      const now = this.nowSeconds()
      const result = await this.repository.increment(current.key, field, by, now + this.policy.ttlSeconds, now)
      if (result !== null) {
        this.#afterIncrement(current, field, result, now)
        return result.value
      }
      // Unknown or expired id: never adopted. Start over under a new id.
      await this.#startFresh()
    }
    // Not stored yet: count locally; commit() creates the session with the total.
    const base = this.#pending.get(field)
    const start = base && 'value' in base ? base.value : (this.#current?.stored?.data[field] ?? 0)
    if (typeof start !== 'number') throw new SessionUsageError(`session field "${field}" is not a number`)
    const value = start + by
    this.#pending.set(field, { value })
    return value
  }

  async regenerate(): Promise<void> {
    await this.#importLegacy()
    const current = await this.#load()
    const data = await this.all()
    if (current.stored !== null) this.#retiredKeys.push(current.key)
    const id = generateSessionId()
    this.#current = { id, key: await storageKeyFor(id), stored: null, known: true }
    this.#pending.clear()
    for (const [k, v] of Object.entries(data)) this.#pending.set(k, { value: v })
    this.#inherited = current.stored
    this.#regenerated = true
    this.#touched = true
    this.#destroyed = false
  }

  async destroy(): Promise<void> {
    if (this.legacy && this.incomingId === null) this.#retireLegacy = true
    const current = await this.#identify()
    if (current.stored !== null || !current.known) this.#retiredKeys.push(current.key)
    this.#current = null
    this.#pending.clear()
    this.#inherited = null
    this.#destroyed = true
    this.#touched = true
  }

  /**
   * Saves this request's changes. Returns what the cookie should do. Throws
   * SessionTooLargeError, SessionConflictError or a store error, in which case
   * nothing of the pending changes was written.
   */
  async commit(): Promise<{ cookie: CookieAction; outcome: SessionOutcome }> {
    if (!this.#touched && this.#current?.stored == null) {
      return { cookie: { kind: 'none' }, outcome: this.#current?.known ? 'loaded' : 'untouched' }
    }
    const now = this.nowSeconds()
    let outcome: SessionOutcome = this.#current?.stored ? 'loaded' : 'untouched'

    if (this.#pending.size > 0) {
      let current = await this.#load()
      if (current.stored === null) {
        await this.#create(current, now)
        // The old session's data now lives here; drop the original.
        if (this.#legacyState === 'imported') this.#retireLegacy = true
      } else {
        current = await this.#writeChanges(current, now)
      }
      outcome = 'written'
    } else if (this.#current?.stored && this.#current.known && !this.#dirtyExpiry) {
      const current = this.#current
      const stored = current.stored!
      if (needsRefresh(stored, now, this.policy.ttlSeconds, this.policy.refreshThreshold)) {
        const version = await this.repository.update(
          current.key,
          { set: {}, remove: [], expires: now + this.policy.ttlSeconds },
          now,
        )
        if (version !== null) {
          current.stored = { ...stored, expires: now + this.policy.ttlSeconds, version }
          this.#dirtyExpiry = true
          outcome = 'written'
        }
      }
    } else if (this.#dirtyExpiry) {
      outcome = 'written'
    }

    for (const key of this.#retiredKeys) await this.repository.delete(key)
    if (this.#retireLegacy && this.legacy) {
      await this.legacy.retire()
      this.#legacyRetired = true
    }
    if (this.#destroyed && this.#current === null) {
      return { cookie: this.incomingId !== null ? { kind: 'clear' } : { kind: 'none' }, outcome: 'destroyed' }
    }
    const current = this.#current
    if (current?.stored && (this.#dirtyExpiry || this.#regenerated)) {
      return {
        cookie: { kind: 'set', id: current.id, maxAgeSeconds: Math.max(0, endsAt(current.stored) - now) },
        outcome: outcome === 'written' && this.incomingId === null ? 'new' : outcome,
      }
    }
    return { cookie: { kind: 'none' }, outcome }
  }

  async #create(current: Current, now: number): Promise<void> {
    const data = this.#merged(null)
    this.#checkSize(data)
    const inherited = this.#inherited
    const fresh = newStoredSession(current.key, data, now, this.policy)
    const stored = inherited ? { ...fresh, createdAt: inherited.createdAt, maxExpires: inherited.maxExpires } : fresh
    await this.repository.create(stored)
    current.stored = stored
    current.known = true
    this.#pending.clear()
    this.#dirtyExpiry = true
  }

  async #writeChanges(current: Current, now: number): Promise<Current> {
    let snapshot = current.stored!
    for (let attempt = 0; ; attempt++) {
      const data = this.#merged(snapshot)
      this.#checkSize(data)
      const set: SessionData = {}
      const remove: string[] = []
      for (const [k, p] of this.#pending) {
        if ('removed' in p) remove.push(k)
        else set[k] = p.value
      }
      const expires = now + this.policy.ttlSeconds
      try {
        const version = await this.repository.update(
          current.key,
          { set, remove, expires, expectedVersion: snapshot.version },
          now,
        )
        if (version === null) {
          // Expired or deleted while we worked: the changes start a new session.
          await this.#startFresh()
          await this.#create(this.#current!, now)
          return this.#current!
        }
        current.stored = { ...snapshot, data, expires, version }
        this.#pending.clear()
        this.#dirtyExpiry = true
        return current
      } catch (error) {
        if (!(error instanceof SessionConflictError) || attempt >= this.policy.maxRetries) throw error
        const latest = await this.repository.load(current.key, now)
        if (latest === null) {
          await this.#startFresh()
          await this.#create(this.#current!, now)
          return this.#current!
        }
        // Another request wrote meanwhile. Its keys are kept; ours are re-applied
        // only if it left them as we read them, else its write would be lost.
        for (const k of this.#pending.keys()) {
          if (!sameJson(latest.data[k], snapshot.data[k])) {
            throw new SessionConflictError(`session key "${k}" was changed by another request`)
          }
        }
        snapshot = latest
        current.stored = latest
        // A little random wait spreads out writers that keep colliding.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * (attempt + 1)))
      }
    }
  }

  #merged(base: StoredSession | null): SessionData {
    const data: SessionData = { ...(base?.data ?? {}) }
    for (const [k, p] of this.#pending) {
      if ('removed' in p) delete data[k]
      else data[k] = p.value
    }
    return data
  }

  #checkSize(data: SessionData): void {
    const size = dataSize(data)
    if (size > this.policy.maxBytes) throw new SessionTooLargeError(size, this.policy.maxBytes)
  }

  #afterIncrement(current: Current, field: string, result: Increment, now: number): void {
    const { value, version, maxExpires } = result
    const expires = now + this.policy.ttlSeconds
    const stored = current.stored
    if (stored) {
      // Adopt the new version only when ours was the sole write since the read;
      // otherwise keep the old one so a later versioned write re-reads first.
      const nextVersion = version === stored.version + 1 ? version : stored.version
      current.stored = { ...stored, data: { ...stored.data, [field]: value }, expires, version: nextVersion }
    } else {
      // Known to exist now, though not read: keep it unread but remember the deadline.
      current.stored = {
        key: current.key,
        data: { [field]: value },
        createdAt: now,
        expires,
        maxExpires,
        version,
      }
      current.known = false
    }
    this.#pending.delete(field)
    this.#dirtyExpiry = true
  }

  /** Brings in a legacy session's data as pending changes, once, when the request has no session of ours. */
  async #importLegacy(): Promise<void> {
    if (!this.legacy || this.#legacyState !== 'unread' || this.incomingId !== null) return
    this.#legacyState = 'absent'
    const data = await this.legacy.load(this.nowSeconds())
    if (!data) return
    for (const [k, v] of Object.entries(data)) {
      if (!this.#pending.has(k) && isValidDataKey(k)) this.#pending.set(k, { value: toJsonValue(v) })
    }
    this.#legacyState = 'imported'
  }

  /** The current id and key, without reading the store. */
  async #identify(): Promise<Current> {
    if (this.#current) return this.#current
    // Parallel calls in one request (Promise.all of two gets) must agree on one identity.
    this.#identifying ??= this.#resolveIdentity().finally(() => (this.#identifying = null))
    return this.#identifying
  }

  async #resolveIdentity(): Promise<Current> {
    if (this.incomingId !== null && !this.#destroyed) {
      this.#current = {
        id: this.incomingId,
        key: await storageKeyFor(this.incomingId),
        stored: null,
        known: false,
      }
    } else {
      const id = generateSessionId()
      this.#current = { id, key: await storageKeyFor(id), stored: null, known: true }
    }
    return this.#current
  }

  /** The current session, read from the store if it has not been read yet. */
  async #load(): Promise<Current> {
    const current = await this.#identify()
    if (current.known) return current
    // Parallel reads in one request share one GetItem.
    this.#loading ??= this.#read(current).finally(() => (this.#loading = null))
    return this.#loading
  }

  async #read(current: Current): Promise<Current> {
    const stored = await this.repository.load(current.key, this.nowSeconds())
    if (stored === null) {
      await this.#startFresh()
      return this.#current!
    }
    current.stored = stored
    current.known = true
    return current
  }

  /** Drops an id the store does not know and continues under a new one, keeping pending changes. */
  async #startFresh(): Promise<void> {
    const id = generateSessionId()
    this.#current = { id, key: await storageKeyFor(id), stored: null, known: true }
  }
}

function assertKey(key: string): void {
  if (!isValidDataKey(key)) throw new SessionUsageError(`session keys must be 1 to 255 characters, got "${String(key).slice(0, 20)}"`)
}
