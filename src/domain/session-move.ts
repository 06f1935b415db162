import { SessionConflictError, SessionRetiredError } from './errors.js'
import { sealForward } from './forward-pointer.js'
import { freshRef, liveState, onCurrentId, type LiveState, type SessionRef } from './request-state.js'
import { newStoredSession, type SessionPolicy, type SessionUser, type StoredSession } from './session.js'
import { assertStillAsRead, checkedData, withChoice, type WriteContext } from './session-writes.js'

/** Rounds of re-reading a session that keeps changing under a login, before answering 409. */
const MAX_LOGIN_ROUNDS = 5
/** Rounds of trying to renew a session that keeps changing; then the renewal is left to a later request. */
const MAX_RENEWAL_ROUNDS = 3

/** The session that continues `carried` under `key`: its own age, the same absolute deadline. */
function successor(key: string, carried: StoredSession, data: StoredSession['data'], user: SessionUser | undefined, now: number, policy: SessionPolicy): StoredSession {
  const fresh = { ...newStoredSession(key, data, now, policy), maxExpires: carried.maxExpires }
  const choice = carried.persistent === undefined ? {} : { persistent: carried.persistent }
  return user ? { ...fresh, ...choice, user } : { ...fresh, ...choice }
}

/**
 * login() or regenerate(): moves the session, with the request's changes on top, to
 * `to` and retires the old id without a successor, in one atomic replace. When another
 * request wrote meanwhile, the session is read again and the move retried (a visit
 * acknowledged on the old id is carried over, never lost), unless a key this request
 * read and writes changed (409). When another request renewed it meanwhile, the
 * successor is moved instead, with its data. 'gone' when the old session ended
 * meanwhile. SessionRetiredError when another login moved it first (409, no cookie).
 */
export async function moveSession(ctx: WriteContext, from: LiveState, to: SessionRef, binding: SessionUser | null, now: number): Promise<LiveState | 'gone'> {
  let source = from.ref
  let carried = from.stored
  for (let round = 0; round < MAX_LOGIN_ROUNDS; round++) {
    const session = withChoice(ctx, successor(to.key, carried, checkedData(ctx, carried.data), binding ?? carried.user, now, ctx.policy))
    let outcome: 'replaced' | 'changed' | 'gone'
    try {
      outcome = await ctx.repository.replace(
        {
          // A login binds anew; a plain regenerate keeps the binding (and lineage) it had.
          kind: binding ? 'login' : 'renewal',
          oldKey: source.key,
          expectedVersion: carried.version,
          session,
          retirement: { until: now + ctx.policy.renewGraceSeconds },
          oldUser: carried.user,
        },
        now,
      )
    } catch (error) {
      // Renewed by another request since it was read: the re-read below follows the pointer.
      if (!(error instanceof SessionRetiredError) || !error.forward) throw error
      outcome = 'changed'
    }
    if (outcome === 'replaced') {
      ctx.pending.clear()
      return liveState(to, session)
    }
    // Changed, renewed or ended meanwhile. Read again, following a renewal to its successor
    // (a store may report a renewed key as gone), so the session moves on with its data.
    const { ref, value: latest } = await onCurrentId(source, (r) => ctx.repository.load(r.key, now))
    if (latest === null) return 'gone'
    assertStillAsRead(ctx, latest.data)
    source = ref
    carried = latest
  }
  throw new SessionConflictError('the session kept changing while its id was being replaced')
}

/** Whether the id is old enough to be replaced. */
export const renewalDue = (stored: StoredSession, policy: SessionPolicy, now: number): boolean =>
  policy.renewSeconds > 0 && stored.createdAt <= now - policy.renewSeconds

/**
 * Renews the id when it is due: the stored session, read afresh, moves to a new id
 * and the old id points to it for the grace window. A pure identity change (the
 * request's own writes are already saved). One renewal per due period: the move is
 * conditioned on the version read, and the successor is not due. When another request
 * renewed first, the request continues on that successor; when the session keeps
 * changing, renewal is left to a later request. 'gone' when it ended meanwhile;
 * 'moved-on' when a login moved it to an id this request must not hand out.
 */
export async function renewIfDue(ctx: WriteContext, state: LiveState, now: number): Promise<LiveState | 'gone' | 'moved-on'> {
  if (!renewalDue(state.stored, ctx.policy, now)) return state
  let ref = state.ref
  for (let round = 0; round < MAX_RENEWAL_ROUNDS; round++) {
    let found: { ref: SessionRef; value: StoredSession | null }
    try {
      found = await onCurrentId(ref, (r) => ctx.repository.load(r.key, now))
    } catch (error) {
      // A login moved the session on meanwhile. This request's writes came before that move
      // (after it they would have failed), so the move carried them: the request stands.
      if (error instanceof SessionRetiredError && !error.forward) return 'moved-on'
      throw error
    }
    const { ref: current, value: latest } = found
    if (latest === null) return 'gone'
    if (current.key !== ref.key || !renewalDue(latest, ctx.policy, now)) return liveState(current, latest, latest.data, state.read)
    ref = current
    const to = await freshRef()
    const session = successor(to.key, latest, latest.data, latest.user, now, ctx.policy)
    const retirement = { until: now + ctx.policy.renewGraceSeconds, forward: await sealForward(to.id, ref.id) }
    try {
      const outcome = await ctx.repository.replace({ kind: 'renewal', oldKey: ref.key, expectedVersion: latest.version, session, retirement, oldUser: latest.user }, now)
      if (outcome === 'replaced') return liveState(to, session, session.data, state.read)
      if (outcome === 'gone') return 'gone'
    } catch (error) {
      // Renewed by another request first: the next round follows its pointer.
      if (!(error instanceof SessionRetiredError)) throw error
    }
  }
  return state
}
