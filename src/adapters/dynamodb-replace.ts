import type { Replacement } from '../domain/session-repository.js'
import { ABSENT, assertNotRetired, itemIsLive, LIVE, LIVE_NAMES, namesFor, retirementItem, toItem, UNCHANGED } from './dynamodb-item.js'
import type { UpdateTarget } from './dynamodb-key-update.js'
import { transact, type CancellationReason } from './dynamodb-transact.js'
import {
  dropFromIndex,
  loginIndexItems,
  lostIndexRace,
  renewalIndexItem,
  withUserIndex,
  type TransactItem,
  type UserIndexTarget,
} from './dynamodb-user-index.js'

type Outcome = 'replaced' | 'changed' | 'gone'

/**
 * Moves a session to a new key in one transaction: the new item is put (its key
 * unused) and the old one overwritten by its retirement marker, on the condition
 * that the old session is live and at the version read; the user index follows in
 * the same transaction (see dynamodb-user-index.ts for the conditions it carries).
 */
export async function replaceSession(target: UpdateTarget, index: UserIndexTarget, replacement: Replacement, now: number): Promise<Outcome> {
  const main: TransactItem[] = [
    { Put: { TableName: target.table, Item: toItem(replacement.session), ConditionExpression: ABSENT, ExpressionAttributeNames: namesFor('#id') } },
    {
      Put: {
        TableName: target.table,
        Item: retirementItem(replacement.oldKey, replacement.retirement),
        ConditionExpression: `${LIVE} AND ${UNCHANGED}`,
        ExpressionAttributeNames: { ...LIVE_NAMES, ...namesFor('#version') },
        ExpressionAttributeValues: { ':now': now, ':expected': replacement.expectedVersion },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    },
  ]
  const user = replacement.session.user
  const oldUser = replacement.oldUser
  if (replacement.kind === 'renewal' || !user) {
    // The binding continues (or there is none): the new key takes the old one's place in the index.
    const extra = user ? [await renewalIndexItem(index, replacement.session, replacement.oldKey)] : []
    const reasons = await transact(target, [...main, ...extra])
    const outcome = reasons === null ? 'replaced' : mainOutcome(reasons, now)
    if (outcome === 'replaced' && oldUser && !user) await dropFromIndex(index, oldUser.id, replacement.oldKey)
    return outcome
  }
  // A login: a new binding, entered under the user's index lock with the cap enforced.
  const sameUser = oldUser?.id === user.id
  const outcome = await withUserIndex<Outcome>(index, user.id, async (read) => {
    const plan = loginIndexItems(index, read, replacement.session, sameUser ? replacement.oldKey : null, now)
    if ('trim' in plan) return (await transact(target, plan.trim)) === null ? 'progress' : 'raced'
    const reasons = await transact(target, [...main, ...plan.items])
    if (reasons === null) return 'replaced'
    return lostIndexRace(reasons, main.length) ? 'raced' : mainOutcome(reasons, now)
  })
  if (outcome === 'replaced' && oldUser && !sameUser) await dropFromIndex(index, oldUser.id, replacement.oldKey)
  return outcome
}

/** Why the move itself failed: the old id was retired (thrown), ended, or changed since it was read. */
function mainOutcome(reasons: ReadonlyArray<CancellationReason>, now: number): Outcome {
  if (reasons[0]?.Code === 'ConditionalCheckFailed') return 'changed' // the new key was taken: practically never; try again
  const old = reasons[1]
  if (old?.Code !== 'ConditionalCheckFailed') return 'changed' // a racing transaction, or only the index moved
  assertNotRetired(old.Item, now)
  return itemIsLive(old.Item, now) ? 'changed' : 'gone'
}
