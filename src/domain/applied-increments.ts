import { onCurrentId, type SessionRef } from './request-state.js'
import type { SessionRepository } from './session-repository.js'

interface Applied {
  readonly ref: SessionRef
  readonly field: string
  readonly by: number
  readonly previous: number | undefined
}

/**
 * Increments already applied to the store during a request (they return their value
 * to the handler at once). If the request then fails, they are taken back, so a failed
 * request leaves the data as it found it.
 */
export class AppliedIncrements {
  readonly #applied: Applied[] = []

  record(applied: Applied): void {
    this.#applied.push(applied)
  }

  /**
   * Subtracts each increment again (atomically, so increments by other requests in
   * between are kept), on the successor when the session was renewed meanwhile (the
   * renewal carried the increment there), and removes a field the increment created
   * once it is back at zero. When the store is down this fails too, and the increment
   * stays: the request answers 503, whose outcome is unknown by definition.
   */
  async undo(repository: SessionRepository, expires: number, now: number): Promise<void> {
    for (const { ref, field, by, previous } of this.#applied.splice(0).reverse()) {
      try {
        const { ref: current, value: result } = await onCurrentId(ref, (r) => repository.increment(r.key, field, -by, expires, now))
        if (result && previous === undefined && result.value === 0) {
          await repository.update(current.key, { set: {}, remove: [field], expires, expect: new Map([[field, 0]]) }, now)
        }
      } catch {
        // The original failure is what the request reports.
      }
    }
  }
}
