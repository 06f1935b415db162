import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb'
import { PutCommand } from '@aws-sdk/lib-dynamodb'
import { SessionConflictError } from '../domain/errors.js'
import { sameJson } from '../domain/same-json.js'
import type { StoredSession } from '../domain/session.js'
import type { SessionChange } from '../domain/session-repository.js'
import { LIVE, LIVE_NAMES, namesFor, toItem, UNCHANGED } from './dynamodb-item.js'
import type { UpdateTarget } from './dynamodb-key-update.js'
import { notRetriedWhenUnknown } from './dynamodb-retries.js'

/** Rounds of read and guarded write before a large change gives up on a session that keeps changing. */
const MAX_ROUNDS = 5

/**
 * A change too large for one UpdateItem, applied atomically all the same: read the
 * item, check the change's conditions against it, and write the whole merged item
 * back on the condition that its version did not move. Another writer in between
 * means another round. Two calls per round (GetItem, PutItem).
 */
export async function wholeItemUpdate(
  target: UpdateTarget,
  change: SessionChange,
  now: number,
  load: (key: string, now: number) => Promise<StoredSession | null>,
): Promise<number | null> {
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const current = await load(target.key, now)
    if (current === null) return null
    assertConditions(current, change)
    const data = new Map(Object.entries(current.data))
    for (const [key, value] of Object.entries(change.set)) data.set(key, value)
    for (const key of change.remove) data.delete(key)
    const version = current.version + 1
    const persistent = change.persistent ?? current.persistent
    const item = toItem({ ...current, data: Object.fromEntries(data), expires: change.expires, version, ...(persistent === undefined ? {} : { persistent }) })
    try {
      await target.send((o) =>
        target.client.send(
          notRetriedWhenUnknown(new PutCommand({ ReturnConsumedCapacity: 'TOTAL',
            TableName: target.table,
            Item: item,
            ConditionExpression: `${LIVE} AND ${UNCHANGED}`,
            ExpressionAttributeNames: { ...LIVE_NAMES, ...namesFor('#version') },
            ExpressionAttributeValues: { ':now': now, ':expected': current.version },
          })),
          o,
        ),
      )
      return version
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * (round + 1)))
    }
  }
  throw new SessionConflictError('the session kept changing while a large write waited')
}

function assertConditions(current: StoredSession, change: SessionChange): void {
  if (change.expectedVersion !== undefined && current.version !== change.expectedVersion) {
    throw new SessionConflictError()
  }
  for (const [key, expected] of change.expect ?? []) {
    const actual = Object.hasOwn(current.data, key) ? current.data[key] : undefined
    if (!sameJson(actual, expected)) throw new SessionConflictError(`session key "${key}" was changed by another request`)
  }
}
