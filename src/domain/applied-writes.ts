import { undoKeyUpdate, type KeyUpdate } from './key-updates.js'
import { onCurrentId, type SessionRef } from './request-state.js'
import type { SessionRepository } from './session-repository.js'

interface AppliedIncrement {
  readonly kind: 'increment'
  readonly ref: SessionRef
  readonly field: string
  readonly by: number
  readonly previous: number | undefined
}

type Applied = AppliedIncrement | ({ readonly kind: 'update' } & KeyUpdate)

/**
 * Writes already applied to the store during a request, because they return the
 * stored value to the handler at once: increments, update() and takeFlash(). If the
 * request then fails, they are taken back, newest first, so a failed request leaves
 * the data as it found it.
 */
export class AppliedWrites {
  readonly #applied: Applied[] = []

  increment(applied: Omit<AppliedIncrement, 'kind'>): void {
    this.#applied.push({ kind: 'increment', ...applied })
  }

  update(applied: KeyUpdate): void {
    this.#applied.push({ kind: 'update', ...applied })
  }

  /**
   * Takes each write back: an increment is subtracted again (atomically, so increments
   * by other requests in between are kept), on the successor when the session was
   * renewed meanwhile (the renewal carried it there), and a field it created is removed
   * once back at zero; an update is reverted while the key still holds what it wrote.
   * When the store is down this fails too, and the write stays: the request answers
   * 503, whose outcome is unknown by definition.
   */
  async undo(repository: SessionRepository, expires: number, now: number): Promise<void> {
    for (const applied of this.#applied.splice(0).reverse()) {
      try {
        if (applied.kind === 'update') {
          await undoKeyUpdate(repository, applied, expires, now)
          continue
        }
        const { ref, field, by, previous } = applied
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
