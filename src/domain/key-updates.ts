import { SessionConflictError } from './errors.js'
import { onCurrentId, type SessionRef } from './request-state.js'
import { sameJson } from './same-json.js'
import type { SessionRepository } from './session-repository.js'

/** Rounds of re-reading a key that other requests keep changing, before update() answers 409. */
export const MAX_UPDATE_ROUNDS = 10

/** One key's atomic read-modify-write, applied to the store at once. */
export interface KeyUpdate {
  readonly ref: SessionRef
  readonly key: string
  /** The stored value it replaced (undefined: absent). */
  readonly before: unknown
  /** The stored value it wrote (undefined: removed). */
  readonly after: unknown
  /** The session's version after the write; undefined when nothing needed writing. */
  readonly version?: number
}

/**
 * Writes `next(current)` under `key` on the condition that the stored value is still
 * `current`; on a conflict, reads the key again and applies `next` again, a bounded
 * number of times with jitter. Returns what was stored, or null when the session is
 * gone. The rounds' reads are whole-session loads: a conflict costs a read, the common
 * case (no conflict) one conditional write.
 */
export async function updateKey(
  repository: SessionRepository,
  ref: SessionRef,
  key: string,
  start: unknown,
  next: (current: unknown) => unknown | Promise<unknown>,
  expires: number,
  now: number,
  onRetry: () => void = () => {},
): Promise<KeyUpdate | null> {
  let current = start
  for (let round = 0; round < MAX_UPDATE_ROUNDS; round++) {
    const after = await next(current)
    // Nothing to change (an absent flash taken, an update that keeps the value): no write.
    if (sameJson(after, current)) return { ref, key, before: current, after }
    const change = { set: after === undefined ? {} : { [key]: after }, remove: after === undefined ? [key] : [], expires, expect: new Map([[key, current]]) }
    try {
      const { ref: at, value } = await onCurrentId(ref, (r) => repository.update(r.key, change, now))
      if (value === null) return null
      return { ref: at, key, before: current, after, version: value }
    } catch (error) {
      if (!(error instanceof SessionConflictError)) throw error
    }
    onRetry()
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * (round + 1)))
    const { value: latest } = await onCurrentId(ref, (r) => repository.load(r.key, now))
    if (latest === null) return null
    current = Object.hasOwn(latest.data, key) ? latest.data[key] : undefined
  }
  throw new SessionConflictError(`session key "${key}" kept changing; update() gave up after ${MAX_UPDATE_ROUNDS} tries`)
}

/**
 * Takes a key's update back when the request fails: the old value returns, but only
 * while the key still holds what this request wrote (a later writer built on it is
 * not undone). Best effort, like taking back an increment.
 */
export async function undoKeyUpdate(repository: SessionRepository, update: KeyUpdate, expires: number, now: number): Promise<void> {
  const { before, after, key } = update
  if (sameJson(before, after)) return
  const change = { set: before === undefined ? {} : { [key]: before }, remove: before === undefined ? [key] : [], expires, expect: new Map([[key, after]]) }
  await onCurrentId(update.ref, (r) => repository.update(r.key, change, now)).catch(() => {})
}
