import { AppliedWrites } from './applied-writes.js'
import { commitResult, type CommitResult } from './commit-result.js'
import { assertIncrementAmount } from './counters.js'
import { WriteGuard, type DataCheck, type WriteCheck } from './data-check.js'
import { SessionUsageError } from './errors.js'
import { assertUserKey, flashKey, userData } from './internal-keys.js'
import { updateKey, type KeyUpdate } from './key-updates.js'
import type { LegacyImport } from './legacy-import.js'
import { PendingChanges } from './pending-changes.js'
import { ReadSet } from './read-set.js'
import { afterIncrement, ANONYMOUS, freshRef, onCurrentId, type LiveState, type RequestState, type SessionRef } from './request-state.js'
import type { SessionData, SessionPolicy } from './session.js'
import type { DeviceSession } from './session-api.js'
import { SessionCursor } from './session-cursor.js'
import { saveState } from './session-save.js'
import type { SessionRepository } from './session-repository.js'
import { toStorableValue } from './session-values.js'
import { NO_TELEMETRY, type SessionTelemetry } from './telemetry-port.js'
import { assertUserId, UserSessions } from './user-sessions.js'

export interface RequestSessionParts {
  /** A legacy session to move here; only for a request that carried no session of ours. */
  readonly legacy?: LegacyImport | null
  /** Checks data read from the store; refused data is treated as no session. */
  readonly check?: DataCheck
  /** Checks each write (set, delete, update) against the schema; a refused one throws SessionUsageError. */
  readonly checkWrite?: WriteCheck
  /** Told when stored data was refused by `check`. */
  readonly onInvalidData?: (reason: string) => void
  /** A short summary of the client (e.g. "Firefox on Linux"), kept with a session bound by login(). */
  readonly device?: () => string
  /** storageKeyFor(incomingId), when the caller remembers it (the middleware caches it with the verified cookie). */
  readonly incomingKey?: string
  /** Where loads, saves and identity changes are reported (spans, counts). */
  readonly telemetry?: SessionTelemetry
}

/**
 * One request's view of one session: a unit of work over the repository, whose
 * session is one RequestState value (see request-state.ts, held by the cursor).
 *
 * Nothing touches the store until the handler reads or writes. Increments, update()
 * and takeFlash() go to the store at once (they return the stored value) and are
 * taken back if the request fails; every other change waits for `commit()`, which
 * saves them in one atomic write, each read key conditioned on the value this request
 * saw. Identity changes (login, logout, renewal) follow session-lifecycle.ts. The
 * handler never sees this object: it gets `session` (see session-facade.ts).
 */
export class RequestSession {
  readonly #cursor: SessionCursor
  /** Sessions this request ends (destroy), at the save. */
  readonly #toEnd: SessionRef[] = []
  readonly #pending = new PendingChanges()
  readonly #reads = new ReadSet()
  readonly #applied = new AppliedWrites()
  readonly #guard: WriteGuard
  #userSessions: UserSessions | null = null
  /** The stored idle deadline moved during this request, so the cookie's Max-Age must follow. */
  #expiryMoved = false
  #wasRead = false
  /** The cookie choice made in this request (setPersistent). */
  #persistent: boolean | undefined
  readonly #legacy: LegacyImport | null
  readonly #telemetry: SessionTelemetry

  constructor(
    private readonly repository: SessionRepository,
    private readonly policy: SessionPolicy,
    private readonly nowSeconds: () => number,
    private readonly incomingId: string | null,
    private readonly parts: RequestSessionParts = {},
  ) {
    this.#legacy = parts.legacy ?? null
    this.#guard = new WriteGuard(parts.checkWrite)
    this.#telemetry = parts.telemetry ?? NO_TELEMETRY
    this.#cursor = new SessionCursor({ ...parts, repository, nowSeconds, incomingId, incomingKey: parts.incomingKey, legacy: this.#legacy, pending: this.#pending, check: parts.check, onInvalidData: parts.onInvalidData, telemetry: this.#telemetry })
  }

  /** No stored session behind this request (yet): no cookie, or its session turned out unknown or ended. */
  get isNew(): boolean {
    const s = this.#cursor.state
    return (s.kind === 'anonymous' && !this.#cursor.unidentified) || (s.kind === 'moving' && s.from === null)
  }

  /** Whether the handler read anything of the session, so its response depends on it. */
  get wasRead(): boolean {
    return this.#wasRead
  }

  async get(key: string): Promise<unknown> {
    assertUserKey(key)
    this.#wasRead = true
    await this.#cursor.load()
    const change = this.#pending.get(key)
    if (change) return 'removed' in change ? undefined : structuredClone(change.value)
    this.#reads.saw(key, this.#cursor.storedValue(key))
    const view = this.#cursor.view
    return structuredClone(view && Object.hasOwn(view, key) ? view[key] : undefined)
  }

  async all(): Promise<SessionData> {
    this.#wasRead = true
    await this.#cursor.load()
    this.#reads.sawAll(this.#cursor.stored?.stored.data ?? {})
    return structuredClone(userData(this.#pending.applyTo(this.#cursor.view)))
  }

  set(key: string, value: unknown): void {
    assertUserKey(key)
    this.#change(key, toStorableValue(value, key))
  }

  delete(key: string): void {
    assertUserKey(key)
    this.#change(key, undefined)
  }

  /** A change kept for the save (undefined: removal), once the schema, if any, accepts it. */
  #change(key: string, value: unknown): void {
    this.#guard.now(this.#known(), key, value)
    this.#pending.set(key, value)
  }

  /** The data as far as this request knows it (as stored, when read, with its changes): where the schema checks a write. */
  #known = (): SessionData => userData(this.#pending.applyTo(this.#cursor.stored?.stored.data ?? null))

  async increment(field: string, by = 1): Promise<number> {
    assertUserKey(field)
    assertIncrementAmount(by)
    this.#wasRead = true
    await this.#legacy?.importInto(this.#pending)
    await this.#cursor.identified()
    // A key this request already set or deleted counts from that: set then increment is the set value + by.
    const s = this.#cursor.state
    if (this.#pending.has(field) || (s.kind !== 'carried' && s.kind !== 'live')) return this.#pending.addTo(field, by)
    const now = this.nowSeconds()
    const expires = now + this.policy.ttlSeconds
    const { ref, value: result } = await onCurrentId(s.ref, (r) => this.repository.increment(r.key, field, by, expires, now))
    if (result === null) {
      // Unknown, expired or ended id: never adopted. The count starts a new session.
      this.#cursor.state = ANONYMOUS
      return this.#pending.addTo(field, by)
    }
    this.#applied.increment({ ref, field, by, previous: result.previous })
    this.#cursor.state = afterIncrement(this.#cursor.state, ref, field, result, expires)
    this.#reads.replace(field, result.value)
    this.#expiryMoved = true
    return result.value
  }

  /** An atomic read-modify-write of one key, applied at once (see key-updates.ts); returns what was stored. */
  async update(key: string, fn: (current: unknown) => unknown): Promise<unknown> {
    assertUserKey(key)
    const next = async (current: unknown) => {
      const value = toStorableValue(fn(structuredClone(current)), key)
      await this.#guard.awaited(this.#known(), key, value)
      return value
    }
    return structuredClone(await this.#applyNow(key, next))
  }

  flash(key: string, value: unknown): void {
    assertUserKey(key)
    this.#pending.set(flashKey(key), toStorableValue(value, key))
  }

  /** The flash under `key`, removed as it is read: of parallel requests, one gets it. */
  async takeFlash(key: string): Promise<unknown> {
    assertUserKey(key)
    let taken: unknown
    await this.#applyNow(flashKey(key), (current) => ((taken = current), undefined))
    return structuredClone(taken)
  }

  setPersistent(persistent: boolean): void {
    if (typeof persistent !== 'boolean') throw new SessionUsageError('setPersistent takes true or false')
    this.#persistent = persistent
  }

  async #applyNow(key: string, next: (current: unknown) => unknown | Promise<unknown>): Promise<unknown> {
    this.#wasRead = true
    await this.#cursor.load()
    const s = this.#cursor.state
    if (s.kind === 'live' && !this.#pending.has(key)) {
      const now = this.nowSeconds()
      const expires = now + this.policy.ttlSeconds
      const done = await updateKey(this.repository, s.ref, key, this.#cursor.storedValue(key), next, expires, now, this.#telemetry.updateRetried)
      if (done?.version !== undefined) {
        this.#applied.update(done)
        this.#cursor.state = withKey(s, done, expires)
        this.#reads.replace(key, done.after)
        this.#expiryMoved = true
      }
      if (done) return done.after
      this.#cursor.state = ANONYMOUS // ended meanwhile: the change starts a new session
    }
    // Not stored yet, or already changed by this request: the change waits for the save.
    const change = this.#pending.get(key)
    const value = await next(change ? ('removed' in change ? undefined : change.value) : this.#cursor.storedValue(key))
    this.#pending.set(key, value)
    return value
  }

  async regenerate(): Promise<void> {
    await this.#cursor.load()
    const s = this.#cursor.state
    this.#cursor.state = { kind: 'moving', from: this.#cursor.stored, to: await freshRef(), binding: s.kind === 'moving' ? s.binding : null }
  }

  async destroy(): Promise<void> {
    this.#legacy?.markForRetirement()
    await this.#cursor.identified()
    const s = this.#cursor.state
    if (s.kind === 'carried' || s.kind === 'live') this.#toEnd.push(s.ref)
    if (s.kind === 'moving' && s.from) this.#toEnd.push(s.from.ref)
    this.#cursor.state = ANONYMOUS
    this.#pending.clear()
    this.#reads.clear()
    this.#guard.clear()
  }

  async login(userId: string): Promise<void> {
    assertUserId(userId)
    await this.regenerate()
    const s = this.#cursor.state as Extract<RequestState, { kind: 'moving' }>
    this.#cursor.state = { ...s, binding: { id: userId, device: this.parts.device?.() ?? 'Unknown device', lineage: s.to.key } }
  }

  async userId(): Promise<string | null> {
    return (await this.#cursor.binding())?.userId ?? null
  }

  userSessions = (): Promise<DeviceSession[]> => this.#users().list()
  revokeSession = (handle: string): Promise<boolean> => this.#users().revoke(handle)
  revokeOtherSessions = (): Promise<void> => this.#users().revokeOthers()
  logoutEverywhere = (): Promise<void> => this.#users().revokeAll()

  /**
   * Saves this request's changes: all of them, or, when it throws (SessionTooLargeError,
   * SessionConflictError, a store error), none, its applied writes taken back.
   */
  async commit(): Promise<CommitResult> {
    const now = this.nowSeconds()
    try {
      // Changes are saved against what is stored: read it first (its size counts, and its deadlines go in the cookie).
      if (this.#pending.size > 0 || this.#persistent !== undefined) await this.#cursor.load()
      await this.#guard.atSave(userData(this.#cursor.stored?.stored.data ?? {}), this.#known())
      const ctx = { repository: this.repository, policy: this.policy, pending: this.#pending, reads: this.#reads, persistent: this.#persistent, telemetry: this.#telemetry }
      const saved = await saveState(ctx, { state: this.#cursor.state, toEnd: this.#toEnd, legacy: this.#legacy }, now)
      this.#cursor.state = saved.state
      return commitResult({ state: saved.state, ended: saved.ended, incomingId: this.incomingId, expiryMoved: this.#expiryMoved || saved.wrote, wasRead: this.#wasRead, now })
    } catch (error) {
      await this.abort()
      throw error
    }
  }

  /** The request failed (its handler threw, or the save did): takes back what it already applied. */
  async abort(): Promise<void> {
    const now = this.nowSeconds()
    await this.#applied.undo(this.repository, now + this.policy.ttlSeconds, now)
    await this.#legacy?.releaseClaim()
  }

  /** Whether the legacy session was deleted by this request (its cookie can be cleared). */
  get legacyRetired(): boolean {
    return this.#legacy?.retired ?? false
  }

  /** The user-session operations, built on first use: most requests never need them. */
  #users(): UserSessions {
    return (this.#userSessions ??= new UserSessions({
      repository: this.repository,
      policy: this.policy,
      nowSeconds: this.nowSeconds,
      binding: () => this.#cursor.binding(),
      telemetry: this.#telemetry,
      endCurrent: () => this.destroy(),
    }))
  }
}

/** The live state after this request's update landed. */
function withKey(s: LiveState, done: KeyUpdate, expires: number): LiveState {
  const { ref, key, after } = done
  const apply = (data: Readonly<SessionData>) => Object.fromEntries([...Object.entries(data).filter(([k]) => k !== key), ...(after === undefined ? [] : [[key, after]])])
  const stored = { ...s.stored, key: ref.key, data: apply(s.stored.data), expires, version: done.version ?? s.stored.version }
  return { ...s, ref, stored, view: userData(apply(s.view)) }
}
