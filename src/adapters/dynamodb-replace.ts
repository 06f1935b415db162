import { TransactionCanceledException } from '@aws-sdk/client-dynamodb'
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb'
import type { Replacement } from '../domain/session-repository.js'
import { ABSENT, assertNotRetired, itemIsLive, LIVE, LIVE_NAMES, namesFor, retirementItem, toItem, UNCHANGED } from './dynamodb-item.js'
import type { UpdateTarget } from './dynamodb-key-update.js'
import { indexItems, lostIndexRace, type UserIndexTarget } from './dynamodb-user-index.js'

/**
 * Moves a session to a new key in one transaction: the new item is put (its key
 * unused) and the old one overwritten by its retirement marker, on the condition
 * that the old session is live and at the version read. Two items written, one call.
 * The token makes an SDK retry of the same transaction (a lost reply) a no-op.
 */
export async function replaceSession(
  target: UpdateTarget,
  index: UserIndexTarget,
  replacement: Replacement,
  now: number,
): Promise<'replaced' | 'changed' | 'gone'> {
  for (let round = 0; ; round++) {
    const outcome = await replaceOnce(target, index, replacement, now)
    if (outcome !== 'index-raced' || round >= 4) return outcome === 'index-raced' ? 'changed' : outcome
  }
}

async function replaceOnce(
  target: UpdateTarget,
  index: UserIndexTarget,
  replacement: Replacement,
  now: number,
): Promise<'replaced' | 'changed' | 'gone' | 'index-raced'> {
  const token = crypto.randomUUID()
  const indexing = await indexItems(index, replacement.session, { key: replacement.oldKey, user: replacement.oldUser }, now)
  try {
    await target.send((o) =>
      target.client.send(
        new TransactWriteCommand({ ReturnConsumedCapacity: 'TOTAL',
          ClientRequestToken: token,
          TransactItems: [
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
            ...(indexing as NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>),
          ],
        }),
        o,
      ),
    )
    return 'replaced'
  } catch (error) {
    const cause = (error as { cause?: unknown }).cause ?? error
    if (!(cause instanceof TransactionCanceledException)) throw error
    if (lostIndexRace(cause.CancellationReasons, 2)) return 'index-raced'
    const old = cause.CancellationReasons?.[1]
    if (old?.Code !== 'ConditionalCheckFailed') throw error
    const item = old.Item as Record<string, unknown> | undefined
    assertNotRetired(item, now)
    if (!itemIsLive(item, now)) return 'gone'
    return 'changed'
  }
}

