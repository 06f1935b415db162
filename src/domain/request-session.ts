import { AppliedIncrements } from './applied-increments.js'
import { commitResult, type CommitResult, type SessionOutcome } from './commit-result.js'
import type { DataCheck } from './data-check.js'
import { SessionRetiredError, SessionUsageError } from './errors.js'
import type { LegacyImport } from './legacy-import.js'
import { PendingChanges } from './pending-changes.js'
import { ReadSet } from './read-set.js'
import type { SessionData, SessionPolicy, SessionUser } from './session.js'
import type { DeviceSession, UntypedSession } from './session-api.js'
import { assertUserId, UserSessions } from './user-sessions.js'
import { CurrentSession } from './current-session.js'
import { freshIdentity, incomingIdentity, mayBeStored, recordIncrement, type Identity } from './session-identity.js'
import { moveSession, renewalDue, type Move } from './session-move.js'
import type { SessionRepository } from './session-repository.js'
import { assertDataKey, isStorableNumber, toStorableValue } from './session-values.js'
import { createSession, refreshExpiry, writeChanges, type WriteContext } from './session-writes.js'

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
 * One request's view of one session: a unit of work over the repository.
 *
 * Nothing touches the store until the handler reads or writes. Increments go to the
 * store at once (they return the stored value) and are taken back if the request
 * fails; every other change waits for `commit()`, which saves them in one atomic
 * write, each read key conditioned on the value this request saw. A new id (login,
 * renewal) is one atomic move that retires the old id.
 */
export class RequestSession implements UntypedSession {
  readonly #pending = new PendingChanges()
  readonly #reads = new ReadSet()
  readonly #current: CurrentSession
  #userSessions: UserSessions | null = null
  readonly #increments = new AppliedIncrements()
  /** Storage keys this request ends (logout), deleted after the save. */
  readonly #retiredKeys: string[] = []
  /** The session being moved to the current (fresh) id, by regenerate() or renewal. */
  #move: Move | null = null
  /** The stored idle deadline moved during this request, so the cookie's Max-Age must follow. */
  #expiryMoved = false
  #ended = false
  #issued = false
  #touched = false
  #wasRead = false
  /** Set by login(): the user the new session is bound to. */
  #binding: SessionUser | null = null
  readonly #device: () => string
  readonly #legacy: LegacyImport | null

  constructor(
    private readonly repository: SessionRepository,
    private readonly policy: SessionPolicy,
    private readonly nowSeconds: () => number,
    private readonly incomingId: string | null,
    parts: RequestSessionParts = {},
  ) {
    this.#legacy = parts.legacy ?? null
    this.#device = parts.device ?? (() => 'Unknown device')
    this.#current = new CurrentSession({
      repository,
      nowSeconds,
      incomingId,
      incomingKey: parts.incomingKey,
      pending: this.#pending,
      reads: this.#reads,
      legacy: this.#legacy,
      check: parts.check,
      onInvalidData: parts.onInvalidData,
    })
  }

  get isNew(): boolean {
    return this.#current.identity?.stored == null
  }

  /** Whether the handler read anything of the session, so its response depends on it. */
  get wasRead(): boolean {
    return this.#wasRead
  }

  async get<T = unknown>(key: string): Promise<T | undefined> {
    this.#wasRead = true
    const base = this.#base(await this.#current.load(this.#ended))
    const change = this.#pending.get(key)
    if (change) return 'removed' in change ? undefined : (structuredClone(change.value) as T)
    const value = base && Object.hasOwn(base, key) ? base[key] : undefined
    this.#reads.saw(key, value)
    return structuredClone(value) as T | undefined
  }

  async all(): Promise<SessionData> {
    this.#wasRead = true
    const base = this.#base(await this.#current.load(this.#ended))
    this.#reads.sawAll(base ?? {})
    return structuredClone(this.#pending.applyTo(base))
  }

  set(key: string, value: unknown): void {
    assertDataKey(key)
    this.#pending.set(key, toStorableValue(value, key))
    this.#touched = true
  }

  delete(key: string): void {
    assertDataKey(key)
    this.#pending.remove(key)
    this.#touched = true
  }

  async increment(field: string, by = 1): Promise<number> {
    assertDataKey(field)
    if (typeof by !== 'number' || !isStorableNumber(by)) throw new SessionUsageError('increment needs a finite number')
    this.#wasRead = true
    this.#touched = true
    await this.#legacy?.importInto(this.#pending)
    // A key this request already set or deleted counts from that: set then increment is the set value + by.
    if (this.#pending.has(field)) return this.#pending.addTo(field, by)
    const identity = await this.#current.identify(this.#ended)
    if (mayBeStored(identity)) {
      const now = this.nowSeconds()
      const result = await this.repository
        .increment(identity.key, field, by, now + this.policy.ttlSeconds, now)
        .catch((error: unknown) => this.#current.follow(error, () => this.increment(field, by)))
      if (typeof result === 'number') return result
      if (result !== null) {
        this.#increments.record({ key: identity.key, field, by, previous: result.previous })
        recordIncrement(identity, field, result, now + this.policy.ttlSeconds)
        this.#reads.replace(field, result.value)
        this.#expiryMoved = true
        return result.value
      }
      // Unknown or expired id: never adopted. Start over under a new id.
      await this.#current.startFresh()
    }
    // Nothing stored yet: count here; commit() creates the session with the total.
    return this.#pending.addTo(field, by)
  }

  async regenerate(): Promise<void> {
    const identity = await this.#current.load(this.#ended)
    if (identity.state === 'read') this.#move = { oldId: identity.id, oldKey: identity.key, carried: identity.stored!, forward: false }
    // Called again in one request, the move (and the absolute deadline it carries) stays the first one.
    this.#current.identity = await freshIdentity()
    this.#reads.clear()
    this.#issued = true
    this.#touched = true
    this.#ended = false
  }

  async destroy(): Promise<void> {
    this.#legacy?.markForRetirement()
    const identity = await this.#current.identify(this.#ended)
    if (mayBeStored(identity)) this.#retiredKeys.push(identity.key)
    if (this.#move) this.#retiredKeys.push(this.#move.oldKey)
    this.#move = null
    this.#current.identity = null
    this.#pending.clear()
    this.#reads.clear()
    this.#ended = true
    this.#touched = true
  }

  async login(userId: string): Promise<void> {
    assertUserId(userId)
    await this.regenerate()
    this.#binding = { id: userId, device: this.#device() }
  }

  async userId(): Promise<string | null> {
    return (await this.#user())?.id ?? null
  }

  userSessions(): Promise<DeviceSession[]> {
    return this.#users().list()
  }

  revokeSession(handle: string): Promise<boolean> {
    return this.#users().revoke(handle)
  }

  revokeOtherSessions(): Promise<void> {
    return this.#users().revokeOthers()
  }

  logoutEverywhere(): Promise<void> {
    return this.#users().revokeAll()
  }

  /** The user-session operations, built on first use: most requests never need them. */
  #users(): UserSessions {
    return (this.#userSessions ??= new UserSessions({
      repository: this.repository,
      policy: this.policy,
      nowSeconds: this.nowSeconds,
      userId: () => this.userId(),
      currentKey: () => (this.#current.identity?.stored ? this.#current.identity.key : null),
      endCurrent: () => this.destroy(),
    }))
  }

  /** The user the session is (or, after login() in this request, will be) bound to. */
  async #user(): Promise<SessionUser | undefined> {
    if (this.#binding) return this.#binding
    const identity = await this.#current.load(this.#ended)
    return identity.stored?.user ?? (identity.state === 'new' ? this.#move?.carried.user : undefined)
  }

  /**
   * Saves this request's changes: all of them, or, when it throws (SessionTooLargeError,
   * SessionConflictError, a store error), none, its increments taken back.
   */
  async commit(): Promise<CommitResult> {
    const now = this.nowSeconds()
    try {
      const outcome = await this.#save(now)
      for (const key of this.#retiredKeys) await this.repository.delete(key)
      await this.#legacy?.retireIfMarked()
      const announce = this.#expiryMoved || this.#issued || this.#current.followed
      return commitResult({ outcome, identity: this.#current.identity, incomingId: this.incomingId, ended: this.#ended, announce, now })
    } catch (error) {
      await this.#increments.undo(this.repository, now + this.policy.ttlSeconds, now)
      await this.#legacy?.releaseClaim()
      throw error
    }
  }

  /** Whether the legacy session was deleted by this request. */
  get legacyRetired(): boolean {
    return this.#legacy?.retired ?? false
  }

  async #save(now: number): Promise<SessionOutcome> {
    if (this.#ended && this.#pending.size === 0) return 'destroyed'
    if (!this.#move && !this.#current.followed && renewalDue(this.#current.identity, this.policy, now)) await this.#beginRenewal()
    if (this.#move) return this.#saveMove(now)
    if (!this.#touched && !this.#current.identity?.stored) return this.#wasRead ? 'loaded' : 'untouched'
    if (this.#pending.size > 0 || (this.#binding && this.#current.identity?.state === 'new')) {
      const identity = await this.#current.load(this.#ended)
      if (identity.state === 'new') await this.#create(identity, now)
      else await this.#writeChanges(identity, now)
      return 'written'
    }
    const identity = this.#current.identity
    if (identity && !this.#expiryMoved && (await refreshExpiry(this.#writeContext(), identity, now))) this.#expiryMoved = true
    return this.#expiryMoved ? 'written' : 'loaded'
  }

  async #beginRenewal(): Promise<void> {
    const identity = await this.#current.read(this.#current.identity!)
    if (identity.state !== 'read' || identity.id !== this.#current.identity?.id) return
    this.#move = { oldId: identity.id, oldKey: identity.key, carried: identity.stored!, forward: true }
    this.#current.identity = await freshIdentity()
    this.#issued = true
  }

  async #saveMove(now: number): Promise<SessionOutcome> {
    const move = this.#move!
    const identity = this.#current.identity!
    let moved: 'moved' | 'gone'
    try {
      moved = await moveSession(this.#writeContext(), move, identity, now)
    } catch (error) {
      // Another request moved it first: a renewal continues on its successor, a login answers 409.
      if (!(error instanceof SessionRetiredError) || !move.forward) throw error
      this.#move = null
      this.#current.identity = await incomingIdentity(move.oldId)
      return this.#current.follow(error, () => this.#save(now))
    }
    this.#move = null
    if (moved === 'gone' && this.#pending.size > 0) await this.#create(identity, now)
    if (moved === 'moved') this.#afterCreate()
    return 'written'
  }

  async #create(identity: Identity, now: number): Promise<void> {
    await this.#legacy?.claim(now, this.policy.renewGraceSeconds)
    await createSession(this.#writeContext(), identity, now)
    this.#afterCreate()
  }

  #afterCreate(): void {
    this.#expiryMoved = true
    // The legacy session's data now lives here.
    this.#legacy?.moved()
  }

  async #writeChanges(identity: Identity, now: number): Promise<void> {
    const written = await writeChanges(this.#writeContext(), identity, now).catch((error: unknown) =>
      this.#current.follow(error, async () => (await this.#writeChanges(this.#current.identity!, now), 'written' as const)),
    )
    if (written === 'gone') {
      // Expired or deleted while we worked: the changes start a new session.
      await this.#current.startFresh()
      await this.#create(this.#current.identity!, now)
    }
    this.#expiryMoved = true
  }

  #writeContext(): WriteContext {
    const user = this.#binding ?? this.#move?.carried.user ?? undefined
    return { repository: this.repository, policy: this.policy, pending: this.#pending, reads: this.#reads, user }
  }

  /** The data the request builds on: what was read, or, under a fresh id, what is being moved to it. */
  #base(identity: Identity): Readonly<SessionData> | null {
    return identity.stored?.data ?? (identity.state === 'new' ? (this.#move?.carried.data ?? null) : null)
  }

}
