import { SessionConflictError } from '../domain/errors.js'
import type { StoredSession } from '../domain/session.js'
import type { RevokeSelection } from '../domain/session-repository.js'
import { ABSENT, namesFor, toItem } from './dynamodb-item.js'
import type { UpdateTarget } from './dynamodb-key-update.js'
import { transact } from './dynamodb-transact.js'
import {
  loginIndexItems,
  MAX_REMOVALS_PER_WRITE,
  revocationItems,
  withUserIndex,
  type IndexEntry,
  type UserIndexTarget,
} from './dynamodb-user-index.js'

// The identity changes of a user's sessions that start from the user index: a login
// with no session before it, and revocations. Both hold the index's version as their
// lock (see dynamodb-user-index.ts).

/** A session bound to a user, with nothing stored before: the session and its index entry in one transaction, the cap enforced. */
export async function createBoundSession(target: Omit<UpdateTarget, 'key'>, index: UserIndexTarget, session: StoredSession): Promise<void> {
  const put = { Put: { TableName: target.table, Item: toItem(session), ConditionExpression: ABSENT, ExpressionAttributeNames: namesFor('#id') } }
  await withUserIndex<true>(index, session.user!.id, async (read) => {
    const plan = loginIndexItems(index, read, session, null, session.createdAt)
    if ('trim' in plan) return (await transact(target, plan.trim)) === null ? 'progress' : 'raced'
    const reasons = await transact(target, [put, ...plan.items])
    if (reasons === null) return true
    if (reasons[0]?.Code === 'ConditionalCheckFailed') throw new SessionConflictError('a session with this key already exists')
    return 'raced' // the index moved (another login or revocation of the user): read it again
  })
}

const selects = (which: RevokeSelection, lineage: string): boolean =>
  which === 'all' ? true : 'except' in which ? lineage !== which.except : which.only.includes(lineage)

/**
 * Ends the user's sessions the selection names: each is taken out of the index and
 * deleted in one transaction that holds only while the index is at the version read.
 * A renewal that raced it moved the index, so the next round sees the renewed key
 * and ends that instead. Large selections go in steps of MAX_REMOVALS_PER_WRITE.
 */
export async function revokeSessions(
  target: Omit<UpdateTarget, 'key'>,
  index: UserIndexTarget,
  userId: string,
  which: RevokeSelection,
  now: number,
): Promise<number> {
  const ended = new Set<string>()
  return withUserIndex<number>(index, userId, async (read) => {
    const lineage = ([key, entry]: [string, IndexEntry]) => entry.l ?? key
    const chosen = [...read.entries].filter((e) => selects(which, lineage(e)))
    if (chosen.length === 0) return ended.size
    const step = chosen.slice(0, MAX_REMOVALS_PER_WRITE)
    const reasons = await transact(target, revocationItems(index, read, step.map(([key]) => key)))
    if (reasons !== null) return 'raced'
    for (const e of step) if (e[1].m > now) ended.add(lineage(e))
    return chosen.length > step.length ? 'progress' : ended.size
  })
}
