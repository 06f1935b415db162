import type { DataCheck } from './data-check.js'
import { userData } from './internal-keys.js'
import type { LegacyImport } from './legacy-import.js'
import type { PendingChanges } from './pending-changes.js'
import { ANONYMOUS, liveState, onCurrentId, refFor, type LiveState, type RequestState } from './request-state.js'
import { lineageOf, type SessionData } from './session.js'
import type { SessionRepository } from './session-repository.js'
import type { SessionTelemetry } from './telemetry-port.js'

export interface CursorParts {
  readonly repository: SessionRepository
  readonly nowSeconds: () => number
  readonly incomingId: string | null
  /** storageKeyFor(incomingId), when the caller has it already. */
  readonly incomingKey: string | undefined
  readonly legacy: LegacyImport | null
  readonly pending: PendingChanges
  /** Checks data read from the store; refused data is treated as no session. */
  readonly check: DataCheck | undefined
  readonly onInvalidData: ((reason: string) => void) | undefined
  readonly telemetry: SessionTelemetry
}

/**
 * Which session a request works on: its RequestState, and the one read of it that
 * parallel calls share. The data the handler sees (the view) leaves out the session's
 * own keys and is the schema's output; conflict checks use the data as stored.
 */
export class SessionCursor {
  state: RequestState = ANONYMOUS
  #identifying: Promise<void> | null
  /** The cookie's storage key is still being computed: the state says anonymous, but a session may be behind it. */
  unidentified: boolean
  #loading: Promise<void> | null = null

  constructor(private readonly parts: CursorParts) {
    const { incomingId, incomingKey } = parts
    this.unidentified = incomingId !== null
    this.#identifying =
      incomingId === null
        ? null
        : refFor(incomingId, incomingKey).then((ref) => {
            this.state = { kind: 'carried', ref }
            this.unidentified = false
          })
  }

  /** Resolves once the cookie's storage key is known (it is a digest). */
  identified(): Promise<void> {
    return this.#identifying ?? Promise.resolve()
  }

  /** Reads the session once (parallel calls share the read), legacy data brought in; follows a renewal's pointer. */
  load(): Promise<void> {
    this.#loading ??= this.#read().finally(() => (this.#loading = null))
    return this.#loading
  }

  async #read(): Promise<void> {
    const { repository, nowSeconds, legacy, pending, check, onInvalidData } = this.parts
    await legacy?.importInto(pending)
    await this.identified()
    const s = this.state
    if (s.kind !== 'carried' && !(s.kind === 'live' && !s.read)) return
    const { ref, value: stored } = await this.parts.telemetry.load(() => onCurrentId(s.ref, (r) => repository.load(r.key, nowSeconds())))
    const visible = stored && userData(stored.data)
    const checked = visible && check ? await check(visible) : null
    if (checked && !checked.ok) onInvalidData?.(checked.reason)
    if (stored === null || (checked && !checked.ok)) this.state = ANONYMOUS
    else this.state = liveState(ref, stored, checked?.ok ? checked.data : visible!)
  }

  /** The stored session the request builds on: the one it read, or the one it is moving to a fresh id. */
  get stored(): LiveState | null {
    const s = this.state
    return s.kind === 'live' ? s : s.kind === 'moving' ? s.from : null
  }

  /** What the handler sees of it (after load()). */
  get view(): Readonly<SessionData> | null {
    return this.stored?.view ?? null
  }

  /** The value of a key as stored (what conflict checks compare), whatever the schema made of it. */
  storedValue(key: string): unknown {
    const data = this.stored?.stored.data
    return data && Object.hasOwn(data, key) ? data[key] : undefined
  }

  /** The user the session is (or, after login() in this request, will be) bound to, with its lineage. */
  async binding(): Promise<{ userId: string; lineage: string } | null> {
    await this.load()
    const s = this.state
    if (s.kind === 'moving' && s.binding) return { userId: s.binding.id, lineage: s.binding.lineage ?? s.to.key }
    const stored = this.stored?.stored
    return stored?.user ? { userId: stored.user.id, lineage: lineageOf(stored) } : null
  }
}
