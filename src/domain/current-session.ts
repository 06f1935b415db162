import type { DataCheck } from './data-check.js'
import { SessionRetiredError } from './errors.js'
import { openForward } from './forward-pointer.js'
import type { LegacyImport } from './legacy-import.js'
import type { PendingChanges } from './pending-changes.js'
import type { ReadSet } from './read-set.js'
import { freshIdentity, incomingIdentity, type Identity } from './session-identity.js'
import type { SessionRepository } from './session-repository.js'

export interface CurrentSessionParts {
  readonly repository: SessionRepository
  readonly nowSeconds: () => number
  /** The id a verified cookie carried, or null. */
  readonly incomingId: string | null
  /** storageKeyFor(incomingId), when the caller has it already. */
  readonly incomingKey: string | undefined
  readonly pending: PendingChanges
  readonly reads: ReadSet
  readonly legacy: LegacyImport | null
  readonly check: DataCheck | undefined
  readonly onInvalidData: ((reason: string) => void) | undefined
}

/**
 * Which session a request is working on: the current id and key, whether it was read,
 * and the one read shared by parallel calls. Follows a renewal's forward pointer once.
 */
export class CurrentSession {
  identity: Identity | null = null
  /** The request moved to a renewed id by its forward pointer (the browser must get the new cookie). */
  followed = false
  #identifying: Promise<Identity> | null = null
  #loading: Promise<Identity> | null = null

  constructor(private readonly parts: CurrentSessionParts) {}

  /** The current id and key, without reading the store; a fresh id once the session has ended. Parallel calls agree. */
  identify(ended: boolean): Promise<Identity> {
    if (this.identity) return Promise.resolve(this.identity)
    const { incomingId, incomingKey } = this.parts
    this.#identifying ??= (incomingId !== null && !ended ? incomingIdentity(incomingId, incomingKey) : freshIdentity())
      .then((identity) => (this.identity = identity))
      .finally(() => (this.#identifying = null))
    return this.#identifying
  }

  /** The current session, read from the store once (parallel reads share the call), legacy data brought in. */
  async load(ended: boolean): Promise<Identity> {
    await this.parts.legacy?.importInto(this.parts.pending)
    const identity = await this.identify(ended)
    if (identity.state === 'read' || identity.state === 'new') return identity
    this.#loading ??= this.read(identity).finally(() => (this.#loading = null))
    return this.#loading
  }

  async read(identity: Identity): Promise<Identity> {
    const { repository, nowSeconds, check, onInvalidData } = this.parts
    const stored = await repository.load(identity.key, nowSeconds()).catch((error: unknown) => this.follow(error, async () => null))
    if (stored === null && this.identity !== identity) return this.read(this.identity!)
    const checked = stored && check ? await check(stored.data) : null
    if (checked && !checked.ok) onInvalidData?.(checked.reason)
    if (stored === null || (checked && !checked.ok)) return this.startFresh()
    identity.state = 'read'
    identity.stored = checked?.ok ? { ...stored, data: checked.data } : stored
    return identity
  }

  /** Drops an id the store does not know and continues under a new one, keeping pending changes. */
  async startFresh(): Promise<Identity> {
    this.identity = await freshIdentity()
    return this.identity
  }

  /**
   * The cookie's id was retired moments ago. After a renewal it points to its successor:
   * the request continues there (once) and the browser gets the new cookie. After a
   * login it points nowhere, and the error stands (answered 409, without a cookie).
   */
  async follow<T>(error: unknown, retry: () => Promise<T>): Promise<T> {
    const identity = this.identity
    if (!(error instanceof SessionRetiredError) || !error.forward || this.followed || identity?.id !== this.parts.incomingId) throw error
    const successor = await openForward(error.forward, identity.id)
    if (successor === null) throw error
    this.followed = true
    this.parts.reads.clear()
    this.identity = await incomingIdentity(successor)
    return retry()
  }
}
