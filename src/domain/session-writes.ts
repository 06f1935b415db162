import { SessionTooLargeError } from './errors.js'
import type { PendingChanges } from './pending-changes.js'
import type { ReadSet } from './read-set.js'
import { needsRefresh, newStoredSession, type SessionData, type SessionPolicy, type SessionUser } from './session.js'
import type { Identity } from './session-identity.js'
import type { SessionRepository } from './session-repository.js'
import { dataSize } from './session-values.js'

/** What the saving steps of a request need. */
export interface WriteContext {
  readonly repository: SessionRepository
  readonly policy: SessionPolicy
  readonly pending: PendingChanges
  readonly reads: ReadSet
  /** The user a new session is bound to (a login, or the session it continues). */
  readonly user: SessionUser | undefined
}

/** `base` with the pending changes applied; throws SessionTooLargeError past the limit, before any store call. */
export function checkedData(ctx: WriteContext, base: Readonly<SessionData> | null): SessionData {
  const data = ctx.pending.applyTo(base)
  const size = dataSize(data)
  if (size > ctx.policy.maxBytes) throw new SessionTooLargeError(size, ctx.policy.maxBytes)
  return data
}

/** Stores the pending changes as a new session under `identity` (one PutItem). */
export async function createSession(ctx: WriteContext, identity: Identity, now: number): Promise<void> {
  const data = checkedData(ctx, null)
  const fresh = newStoredSession(identity.key, data, now, ctx.policy)
  const stored = ctx.user ? { ...fresh, user: ctx.user } : fresh
  await ctx.repository.create(stored)
  identity.state = 'read'
  identity.stored = stored
  ctx.pending.clear()
}

/**
 * One atomic write of every pending key to the session read as `identity.stored`;
 * a key this request read must still hold what it saw. 'gone' when the session
 * expired or was deleted meanwhile (nothing was written).
 */
export async function writeChanges(ctx: WriteContext, identity: Identity, now: number): Promise<'written' | 'gone'> {
  const snapshot = identity.stored!
  const data = checkedData(ctx, snapshot.data)
  const expires = now + ctx.policy.ttlSeconds
  const expect = ctx.reads.expectationsFor(ctx.pending.keys())
  const version = await ctx.repository.update(identity.key, { ...ctx.pending.toWrites(), expires, expect }, now)
  if (version === null) return 'gone'
  identity.stored = { ...snapshot, data, expires, version }
  ctx.pending.clear()
  return 'written'
}

/**
 * For a request that only read: pushes the idle deadline forward, once less than the
 * refresh threshold of the TTL is left (one UpdateItem, no condition beyond liveness).
 * True when it moved.
 */
export async function refreshExpiry(ctx: WriteContext, identity: Identity, now: number): Promise<boolean> {
  const stored = identity.stored
  if (identity.state !== 'read' || !stored) return false
  if (!needsRefresh(stored, now, ctx.policy.ttlSeconds, ctx.policy.refreshThreshold)) return false
  const expires = now + ctx.policy.ttlSeconds
  const version = await ctx.repository.update(identity.key, { set: {}, remove: [], expires }, now)
  if (version === null) return false
  identity.stored = { ...stored, expires, version }
  return true
}
