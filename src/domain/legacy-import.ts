import { SessionRetiredError } from './errors.js'
import type { PendingChanges } from './pending-changes.js'
import type { SessionData } from './session.js'
import { isValidDataKey, toStorableValue } from './session-values.js'

/** A session of a previous system to move into this one, bound to one request (see LegacySessionSource). */
export interface LegacySession {
  load(now: number): Promise<SessionData | null | 'claimed'>
  claim(now: number, until: number): Promise<boolean>
  release(): Promise<void>
  /** The migration succeeded: nothing of the old session's data may stay behind. */
  complete(now: number): Promise<void>
  /** Deletes the old session (logout). */
  retire(): Promise<void>
}

/**
 * Moves a legacy session's data into a request that has no session of ours: read
 * once per request (parallel reads share the one load), brought in as pending
 * changes, and the old session retired once the new one is saved.
 */
export class LegacyImport {
  #loading: Promise<void> | null = null
  /** What was brought in, key by key, to tell it from the request's own changes. */
  readonly #brought = new Map<string, unknown>()
  #imported = false
  #retire = false
  #retired = false
  /** Values the old session held that no store of ours can keep; they are left behind. */
  #dropped = 0

  constructor(
    private readonly legacy: LegacySession,
    private readonly nowSeconds: () => number,
  ) {}

  /** Brings the old data in as pending changes, once; keys the request already changed keep its change. */
  importInto(pending: PendingChanges): Promise<void> {
    this.#loading ??= this.legacy.load(this.nowSeconds()).then((data) => {
      // Another first request with this cookie is migrating it: answer 409 without a cookie;
      // retried, this browser carries the session that request created.
      if (data === 'claimed') throw new SessionRetiredError()
      if (!data) return
      for (const [key, value] of Object.entries(data)) {
        if (pending.has(key)) continue
        if (!isValidDataKey(key)) {
          this.#dropped++
          continue
        }
        try {
          const storable = toStorableValue(value)
          pending.set(key, storable)
          this.#brought.set(key, storable)
        } catch {
          this.#dropped++
        }
      }
      this.#imported = true
    })
    return this.#loading
  }

  /** Whether the pending changes are exactly what was brought in: the request itself changed nothing. */
  onlyImported(pending: PendingChanges): boolean {
    if (pending.size !== this.#brought.size) return false
    for (const key of pending.keys()) {
      const change = pending.get(key)
      if (!change || 'removed' in change || !this.#brought.has(key) || change.value !== this.#brought.get(key)) return false
    }
    return true
  }

  /** Whether old data was brought in. */
  get imported(): boolean {
    return this.#imported
  }

  get dropped(): number {
    return this.#dropped
  }

  #claimed = false

  /**
   * Takes the old session for the session this request is about to create. Parallel
   * first requests with one legacy cookie race here; the losers get
   * SessionRetiredError (409, no cookie) and, retried, join the winner's session.
   */
  async claim(now: number, graceSeconds: number): Promise<void> {
    if (!this.#imported || this.#claimed) return
    if (!(await this.legacy.claim(now, now + graceSeconds))) throw new SessionRetiredError()
    this.#claimed = true
  }

  /** The migration failed after the claim: the old session goes back. Best effort. */
  async releaseClaim(): Promise<void> {
    if (!this.#claimed || this.#retired) return
    this.#claimed = false
    await this.legacy.release().catch(() => {})
  }

  /** Its data now lives in a session of ours: the old data is dropped, and only a short marker without data stays for the claim's window. */
  async complete(now: number): Promise<void> {
    if (!this.#claimed) return
    await this.legacy.complete(now)
    this.#retired = true
  }

  /** The visitor logged out: the old session is to be deleted too. */
  markForRetirement(): void {
    this.#retire = true
  }

  async retireIfMarked(): Promise<void> {
    if (!this.#retire || this.#retired) return
    await this.legacy.retire()
    this.#retired = true
  }

  /** Whether this request deleted the old session (its cookie can then be cleared). */
  get retired(): boolean {
    return this.#retired
  }
}
