import { AppliedIncrements } from './applied-increments.js'
import { assertIncrementAmount } from './counters.js'
import type { DataCheck } from './data-check.js'
import type { LegacyImport } from './legacy-import.js'
import { PendingChanges } from './pending-changes.js'
import { ReadSet } from './read-set.js'
import { afterIncrement, ANONYMOUS, freshRef, liveState, onCurrentId, refFor, type LiveState, type RequestState, type SessionRef } from './request-state.js'
import { lineageOf, type SessionData, type SessionPolicy } from './session.js'
import type { DeviceSession } from './session-api.js'
import { commitResult, type CommitResult } from './commit-result.js'
import { saveState } from './session-save.js'
import type { SessionRepository } from './session-repository.js'
import { assertDataKey, toStorableValue } from './session-values.js'
import { assertUserId, UserSessions } from './user-sessions.js'

export interface RequestSessionParts {
  /** A legacy session to move here; only for a request that carried no session of ours. */
  readonly legacy?: LegacyImport | null
  /** Checks data read from the store; refused data is treated as no session. */
  readonly check?: DataCheck
  /** Told when stored data was refused by `check`. */
  readonly onInvalidData?: (reason: string) => void
  /** A short summary of the client (e.g. "Firefox on Linux"), kept with a session bound by login(). */
  readonly device?: () => string
  /** storageKeyFor(incomingId), when the caller remembers it (the middleware caches it with the verified cookie). */
  readonly incomingKey?: string
}

/**
 * One request's view of one session: a unit of work over the repository, whose
 * session is one RequestState value (see request-state.ts).
 *
 * Nothing touches the store until the handler reads or writes. Increments go to the
 * store at once (they return the stored value) and are taken back if the request
 * fails; every other change waits for `commit()`, which saves them in one atomic
 * write, each read key conditioned on the value this request saw. Identity changes
 * (login, logout, renewal) follow session-lifecycle.ts. The handler never sees this
 * object: it gets `session` (see session-facade.ts).
 */
export class RequestSession {
  #state: RequestState
  /** Sessions this request ends (destroy), at the save. */
  readonly #toEnd: SessionRef[] = []
  readonly #pending = new PendingChanges()
  readonly #reads = new ReadSet()
  readonly #increments = new AppliedIncrements()
  #loading: Promise<void> | null = null
  #identifying: Promise<void> | null = null
  #userSessions: UserSessions | null = null
  /** The stored idle deadline moved during this request, so the cookie's Max-Age must follow. */
  #expiryMoved = false
  #wasRead = false
  readonly #legacy: LegacyImport | null

  constructor(
    private readonly repository: SessionRepository,
    private readonly policy: SessionPolicy,
    private readonly nowSeconds: () => number,
    private readonly incomingId: string | null,
    private readonly parts: RequestSessionParts = {},
  ) {
    this.#legacy = parts.legacy ?? null
    this.#state = ANONYMOUS
    if (incomingId !== null) this.#identifying = this.#identify(incomingId)
  }

  /** No stored session behind this request (yet): no cookie, or its session turned out unknown or ended. */
  get isNew(): boolean {
    const s = this.#state
    return s.kind === 'anonymous' || (s.kind === 'moving' && s.from === null)
  }

  /** Whether the handler read anything of the session, so its response depends on it. */
  get wasRead(): boolean {
    return this.#wasRead
  }

  async get(key: string): Promise<unknown> {
    this.#wasRead = true
    const base = await this.#base()
    const change = this.#pending.get(key)
    if (change) return 'removed' in change ? undefined : structuredClone(change.value)
    this.#reads.saw(key, this.#storedValue(key))
    return structuredClone(base && Object.hasOwn(base, key) ? base[key] : undefined)
  }

  async all(): Promise<SessionData> {
    this.#wasRead = true
    const base = await this.#base()
    const s = this.#state
    this.#reads.sawAll(s.kind === 'live' ? s.stored.data : s.kind === 'moving' ? (s.from?.stored.data ?? {}) : {})
    return structuredClone(this.#pending.applyTo(base))
  }

  set(key: string, value: unknown): void {
    assertDataKey(key)
    this.#pending.set(key, toStorableValue(value, key))
  }

  delete(key: string): void {
    assertDataKey(key)
    this.#pending.remove(key)
  }

  async increment(field: string, by = 1): Promise<number> {
    assertDataKey(field)
    assertIncrementAmount(by)
    this.#wasRead = true
    await this.#legacy?.importInto(this.#pending)
    await this.#identifying
    // A key this request already set or deleted counts from that: set then increment is the set value + by.
    const s = this.#state
    if (this.#pending.has(field) || (s.kind !== 'carried' && s.kind !== 'live')) return this.#pending.addTo(field, by)
    const now = this.nowSeconds()
    const expires = now + this.policy.ttlSeconds
    const { ref, value: result } = await onCurrentId(s.ref, (r) => this.repository.increment(r.key, field, by, expires, now))
    if (result === null) {
      // Unknown, expired or ended id: never adopted. The count starts a new session.
      this.#state = ANONYMOUS
      return this.#pending.addTo(field, by)
    }
    this.#increments.record({ ref, field, by, previous: result.previous })
    this.#state = afterIncrement(this.#state, ref, field, result, expires)
    this.#reads.replace(field, result.value)
    this.#expiryMoved = true
    return result.value
  }

  async regenerate(): Promise<void> {
    await this.#load()
    const s = this.#state
    const from = s.kind === 'live' ? s : s.kind === 'moving' ? s.from : null
    this.#state = { kind: 'moving', from, to: await freshRef(), binding: s.kind === 'moving' ? s.binding : null }
  }

  async destroy(): Promise<void> {
    this.#legacy?.markForRetirement()
    await this.#identifying
    const s = this.#state
    if (s.kind === 'carried' || s.kind === 'live') this.#toEnd.push(s.ref)
    if (s.kind === 'moving' && s.from) this.#toEnd.push(s.from.ref)
    this.#state = ANONYMOUS
    this.#pending.clear()
    this.#reads.clear()
  }

  async login(userId: string): Promise<void> {
    assertUserId(userId)
    await this.regenerate()
    const s = this.#state as Extract<RequestState, { kind: 'moving' }>
    this.#state = { ...s, binding: { id: userId, device: this.parts.device?.() ?? 'Unknown device', lineage: s.to.key } }
  }

  async userId(): Promise<string | null> {
    return (await this.#binding())?.userId ?? null
  }

  userSessions = (): Promise<DeviceSession[]> => this.#users().list()
  revokeSession = (handle: string): Promise<boolean> => this.#users().revoke(handle)
  revokeOtherSessions = (): Promise<void> => this.#users().revokeOthers()
  logoutEverywhere = (): Promise<void> => this.#users().revokeAll()

  /**
   * Saves this request's changes: all of them, or, when it throws (SessionTooLargeError,
   * SessionConflictError, a store error), none, its increments taken back.
   */
  async commit(): Promise<CommitResult> {
    const now = this.nowSeconds()
    try {
      // Changes are saved against what is stored: read it first (its size counts, and its deadlines go in the cookie).
      if (this.#pending.size > 0) await this.#load()
      const ctx = { repository: this.repository, policy: this.policy, pending: this.#pending, reads: this.#reads }
      const saved = await saveState(ctx, { state: this.#state, toEnd: this.#toEnd, legacy: this.#legacy }, now)
      this.#state = saved.state
      return commitResult({ state: saved.state, ended: saved.ended, incomingId: this.incomingId, expiryMoved: this.#expiryMoved || saved.wrote, wasRead: this.#wasRead, now })
    } catch (error) {
      await this.abort()
      throw error
    }
  }

  /** The request failed (its handler threw, or the save did): takes back what it already applied. */
  async abort(): Promise<void> {
    const now = this.nowSeconds()
    await this.#increments.undo(this.repository, now + this.policy.ttlSeconds, now)
    await this.#legacy?.releaseClaim()
  }

  /** Whether the legacy session was deleted by this request (its cookie can be cleared). */
  get legacyRetired(): boolean {
    return this.#legacy?.retired ?? false
  }

  async #identify(id: string): Promise<void> {
    this.#state = { kind: 'carried', ref: await refFor(id, this.parts.incomingKey) }
  }

  /** Reads the session once (parallel calls share the read), legacy data brought in; follows a renewal's pointer. */
  #load(): Promise<void> {
    this.#loading ??= (async () => {
      await this.#legacy?.importInto(this.#pending)
      await this.#identifying
      const s = this.#state
      if (s.kind !== 'carried' && !(s.kind === 'live' && !s.read)) return
      const { ref, value: stored } = await onCurrentId(s.ref, (r) => this.repository.load(r.key, this.nowSeconds()))
      const checked = stored && this.parts.check ? await this.parts.check(stored.data) : null
      if (checked && !checked.ok) this.parts.onInvalidData?.(checked.reason)
      if (stored === null || (checked && !checked.ok)) this.#state = ANONYMOUS
      else this.#state = liveState(ref, stored, checked?.ok ? checked.data : stored.data)
    })().finally(() => (this.#loading = null))
    return this.#loading
  }

  /** The data the handler builds on: what was read, or, under a fresh id, what is being moved to it. */
  async #base(): Promise<Readonly<SessionData> | null> {
    await this.#load()
    const s = this.#state
    return s.kind === 'live' ? s.view : s.kind === 'moving' ? (s.from?.view ?? null) : null
  }

  /** The stored value of a key (what conflict checks compare), whatever the schema made of it. */
  #storedValue(key: string): unknown {
    const s = this.#state
    const data = s.kind === 'live' ? s.stored.data : s.kind === 'moving' ? s.from?.stored.data : undefined
    return data && Object.hasOwn(data, key) ? data[key] : undefined
  }

  /** The user the session is (or, after login() in this request, will be) bound to, with its lineage. */
  async #binding(): Promise<{ userId: string; lineage: string } | null> {
    await this.#load()
    const s = this.#state
    const stored: LiveState | null = s.kind === 'live' ? s : s.kind === 'moving' ? s.from : null
    if (s.kind === 'moving' && s.binding) return { userId: s.binding.id, lineage: s.binding.lineage ?? s.to.key }
    const user = stored?.stored.user
    return user ? { userId: user.id, lineage: lineageOf(stored!.stored) } : null
  }

  /** The user-session operations, built on first use: most requests never need them. */
  #users(): UserSessions {
    return (this.#userSessions ??= new UserSessions({
      repository: this.repository,
      policy: this.policy,
      nowSeconds: this.nowSeconds,
      binding: () => this.#binding(),
      endCurrent: () => this.destroy(),
    }))
  }
}
