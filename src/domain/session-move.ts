import { SessionConflictError } from './errors.js'
import { sealForward } from './forward-pointer.js'
import { newStoredSession, type SessionPolicy, type StoredSession } from './session.js'
import type { Identity } from './session-identity.js'
import { checkedData, type WriteContext } from './session-writes.js'

/** A session on its way to a new id: on login (regenerate) or on renewal. */
export interface Move {
  readonly oldId: string
  readonly oldKey: string
  /** The old session as last read; its data is the base of the new one. */
  carried: StoredSession
  /** Leave the old id a sealed pointer to the new one (renewal), or nothing (login). */
  readonly forward: boolean
}

/** Rounds of re-reading a session that keeps changing under a move, before answering 409. */
const MAX_ROUNDS = 5

/**
 * Moves the carried data, with the request's changes on top, to `identity` (a fresh
 * id) and retires the old id, in one atomic replace. When another request wrote to
 * the old session meanwhile, it is read again and the move retried, so a visit
 * acknowledged on the old id during a login is carried over, never lost. 'gone'
 * when the old session ended meanwhile (a logout): nothing of it is carried.
 * SessionRetiredError when another request moved it first.
 */
export async function moveSession(ctx: WriteContext, move: Move, identity: Identity, now: number): Promise<'moved' | 'gone'> {
  const forward = move.forward ? await sealForward(identity.id, move.oldId) : undefined
  const retirement = { until: now + ctx.policy.renewGraceSeconds, ...(forward ? { forward } : {}) }
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const data = checkedData(ctx, move.carried.data)
    // A new id starts its own age (for renewal) but keeps the absolute deadline of the session it continues.
    const fresh = { ...newStoredSession(identity.key, data, now, ctx.policy), maxExpires: move.carried.maxExpires }
    const session = ctx.user ? { ...fresh, user: ctx.user } : fresh
    const oldUser = move.carried.user
    const outcome = await ctx.repository.replace({ oldKey: move.oldKey, expectedVersion: move.carried.version, session, retirement, oldUser }, now)
    if (outcome === 'replaced') {
      identity.state = 'read'
      identity.stored = session
      ctx.pending.clear()
      return 'moved'
    }
    const latest = outcome === 'changed' ? await ctx.repository.load(move.oldKey, now) : null
    if (latest === null) return 'gone'
    move.carried = latest
  }
  throw new SessionConflictError('the session kept changing while its id was being replaced')
}

/** Whether the id is old enough to be replaced; only for a session that is stored and was used. */
export function renewalDue(identity: Identity | null, policy: SessionPolicy, now: number): boolean {
  if (policy.renewSeconds <= 0 || !identity?.stored) return false
  if (identity.state !== 'read' && identity.state !== 'exists') return false
  return identity.stored.createdAt <= now - policy.renewSeconds
}
