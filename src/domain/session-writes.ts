import { SessionConflictError, SessionTooLargeError } from './errors.js'
import type { PendingChanges } from './pending-changes.js'
import type { ReadSet } from './read-set.js'
import { liveState, onCurrentId, type LiveState, type SessionRef } from './request-state.js'
import { sameJson } from './same-json.js'
import { needsRefresh, newStoredSession, type SessionData, type SessionPolicy, type SessionUser, type StoredSession } from './session.js'
import type { SessionRepository } from './session-repository.js'
import type { SessionTelemetry } from './telemetry-port.js'
import { dataSize } from './session-values.js'

/** What the saving steps of a request need. */
export interface WriteContext {
  readonly repository: SessionRepository
  readonly policy: SessionPolicy
  readonly pending: PendingChanges
  readonly reads: ReadSet
  /** The cookie choice this request made (setPersistent), if any. */
  readonly persistent?: boolean | undefined
  /** Where identity changes are reported; none when absent. */
  readonly telemetry?: SessionTelemetry
}

/** Whether the request has anything to save into `stored`: data changes, or a new cookie choice. */
export const hasChanges = (ctx: WriteContext, stored: StoredSession | null): boolean =>
  ctx.pending.size > 0 || (ctx.persistent !== undefined && ctx.persistent !== stored?.persistent)

/** `session` with the request's cookie choice, when it made one. */
export const withChoice = <S extends StoredSession>(ctx: WriteContext, session: S): S =>
  ctx.persistent === undefined ? session : { ...session, persistent: ctx.persistent }

/** `base` with the pending changes applied; throws SessionTooLargeError past the limit, before any store call. */
export function checkedData(ctx: WriteContext, base: Readonly<SessionData> | null): SessionData {
  const data = ctx.pending.applyTo(base)
  const size = dataSize(data)
  if (size > ctx.policy.maxBytes) throw new SessionTooLargeError(size, ctx.policy.maxBytes)
  return data
}

/** Throws SessionConflictError when a key this request read and now writes no longer holds what it saw in `data`. */
export function assertStillAsRead(ctx: WriteContext, data: Readonly<SessionData>): void {
  for (const [key, seen] of ctx.reads.expectationsFor(ctx.pending.keys())) {
    const now = Object.hasOwn(data, key) ? data[key] : undefined
    if (!sameJson(now, seen)) throw new SessionConflictError(`session key "${key}" was changed by another request`)
  }
}

/** Stores the pending changes as a new session under `ref` (bound to `user`, if given): one create. */
export async function createSession(ctx: WriteContext, ref: SessionRef, user: SessionUser | undefined, now: number): Promise<LiveState> {
  const fresh = withChoice(ctx, newStoredSession(ref.key, checkedData(ctx, null), now, ctx.policy))
  const stored = user ? { ...fresh, user } : fresh
  await ctx.repository.create(stored)
  ctx.pending.clear()
  return liveState(ref, stored)
}

/**
 * One atomic write of every pending key to the live session (on its successor when it
 * was renewed meanwhile); a key this request read must still hold what it saw. Null
 * when the session ended meanwhile (nothing was written).
 */
export async function writeChanges(ctx: WriteContext, state: LiveState, now: number): Promise<LiveState | null> {
  const data = checkedData(ctx, state.stored.data)
  const expires = now + ctx.policy.ttlSeconds
  const choice = ctx.persistent === undefined ? {} : { persistent: ctx.persistent }
  const change = { ...ctx.pending.toWrites(), expires, expect: ctx.reads.expectationsFor(ctx.pending.keys()), ...choice }
  const { ref, value: version } = await onCurrentId(state.ref, (r) => ctx.repository.update(r.key, change, now))
  if (version === null) return null
  const view = ctx.pending.applyTo(state.view)
  ctx.pending.clear()
  return { ...state, ref, stored: { ...state.stored, key: ref.key, data, expires, version, ...choice }, view }
}

/**
 * For a request that only read: pushes the idle deadline forward once less than the
 * refresh threshold of the TTL is left (one update, no condition beyond liveness).
 * The new state when it moved; null when it did not need to, or the session is gone.
 */
export async function refreshExpiry(ctx: WriteContext, state: LiveState, now: number): Promise<LiveState | null> {
  const { stored } = state
  if (!state.read || !needsRefresh(stored, now, ctx.policy.ttlSeconds, ctx.policy.refreshThreshold)) return null
  const expires = now + ctx.policy.ttlSeconds
  const { ref, value: version } = await onCurrentId(state.ref, (r) => ctx.repository.update(r.key, { set: {}, remove: [], expires }, now))
  if (version === null) return null
  return { ...state, ref, stored: { ...stored, key: ref.key, expires, version } }
}
