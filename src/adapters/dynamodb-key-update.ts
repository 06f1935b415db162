import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb'
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { SessionConflictError } from '../domain/errors.js'
import type { SessionChange } from '../domain/session-repository.js'
import { assertNotRetired, LIVE, LIVE_NAMES, NAMES, namesFor, persistCode, UNCHANGED } from './dynamodb-item.js'
import { failedOnLiveItem } from './dynamodb-errors.js'
import type { Send } from './dynamodb-session-repository.js'
import { notRetriedWhenUnknown } from './dynamodb-retries.js'

/** Where an update goes. */
export interface UpdateTarget {
  readonly client: DynamoDBDocumentClient
  readonly table: string
  readonly key: string
  readonly send: Send
}

/** DynamoDB refuses expressions over 4 KB; a change that would need a longer one is written whole instead. */
const MAX_EXPRESSION_LENGTH = 4000

interface KeyUpdate {
  readonly update: string
  readonly condition: string
  readonly names: Record<string, string>
  readonly values: Record<string, unknown>
}

/**
 * The change as one UpdateItem on the keys it touches: SET and REMOVE per key, each
 * read key conditioned on its old value (or its absence). Null when the expressions
 * would exceed DynamoDB's limit.
 */
export function planKeyUpdate(change: SessionChange, now: number): KeyUpdate | null {
  const names: Record<string, string> = { ...LIVE_NAMES, ...namesFor('#version') }
  const values: Record<string, unknown> = { ':now': now, ':one': 1, ':expiresNew': change.expires }
  const placeholder = new Map<string, string>()
  const nameOf = (key: string) => {
    let p = placeholder.get(key)
    if (!p) {
      p = `#k${placeholder.size}`
      placeholder.set(key, p)
      names[p] = key
    }
    return `#data.${p}`
  }
  const sets = ['#expires = :expiresNew']
  if (change.persistent !== undefined) {
    names['#persist'] = NAMES['#persist']
    values[':persist'] = persistCode(change.persistent)
    sets.push('#persist = :persist')
  }
  Object.entries(change.set).forEach(([key, value], i) => {
    values[`:v${i}`] = value
    sets.push(`${nameOf(key)} = :v${i}`)
  })
  const removes = change.remove.map(nameOf)
  const conditions = [LIVE]
  if (change.expectedVersion !== undefined) {
    conditions.push(UNCHANGED)
    values[':expected'] = change.expectedVersion
  }
  let i = 0
  for (const [key, expected] of change.expect ?? []) {
    if (expected === undefined) conditions.push(`attribute_not_exists(${nameOf(key)})`)
    else {
      values[`:e${i}`] = expected
      conditions.push(`${nameOf(key)} = :e${i++}`)
    }
  }
  if (placeholder.size > 0) Object.assign(names, namesFor('#data'))
  const update = `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''} ADD #version :one`
  const condition = conditions.join(' AND ')
  if (update.length > MAX_EXPRESSION_LENGTH || condition.length > MAX_EXPRESSION_LENGTH) return null
  return { update, condition, names, values }
}

/** Sends a planned key update: the new version, or null when no live session is under the key. */
export async function sendKeyUpdate(target: UpdateTarget, plan: KeyUpdate, now: number): Promise<number | null> {
  try {
    const out = await target.send((o) =>
      target.client.send(
        notRetriedWhenUnknown(new UpdateCommand({ ReturnConsumedCapacity: 'TOTAL',
          TableName: target.table,
          Key: { id: target.key },
          UpdateExpression: plan.update,
          ConditionExpression: plan.condition,
          ExpressionAttributeNames: plan.names,
          ExpressionAttributeValues: plan.values,
          ReturnValues: 'UPDATED_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        })),
        o,
      ),
    )
    return Number(out.Attributes?.version)
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) {
      // Tell "gone" from "changed under us" by the old item the failure returns.
      assertNotRetired(error.Item, now)
      if (!failedOnLiveItem(error, now)) return null
      throw new SessionConflictError('a session key this request read was changed by another request', { cause: error })
    }
    throw error
  }
}
