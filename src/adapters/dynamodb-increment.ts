import { ConditionalCheckFailedException, UpdateItemCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { counterRange } from '../domain/counters.js'
import { SessionUsageError } from '../domain/errors.js'
import type { Increment } from '../domain/session-repository.js'
import { assertNotRetired, itemIsLive, LIVE, LIVE_NAMES, namesFor } from './dynamodb-item.js'
import { notRetriedWhenUnknown } from './dynamodb-retries.js'
import type { Send } from './dynamodb-session-repository.js'

export interface IncrementTarget {
  /** The low-level client: the busiest call of all skips the document client's walks of input and output. */
  readonly raw: DynamoDBClient
  readonly table: string
  readonly send: Send
}

const numberOf = (value: AttributeValue | undefined): number => Number(value?.N)

/**
 * One atomic UpdateItem: no read, so parallel visits cannot overwrite each other. The
 * condition keeps the counter a safe integer (see counters.ts): the stored field must
 * be absent or a number in the range that `+ by` keeps safe. UPDATED_OLD returns the
 * field's old value (absent when this creates it), the old version and, set to
 * themselves, the absolute deadline and the id's age, without the data.
 */
export async function incrementOnce(target: IncrementTarget, key: string, field: string, by: number, expires: number, now: number): Promise<Increment | null> {
  const { low, high } = counterRange(by)
  try {
    const out = await target.send((o) =>
      target.raw.send(
        notRetriedWhenUnknown(
          new UpdateItemCommand({
            ReturnConsumedCapacity: 'TOTAL',
            TableName: target.table,
            Key: { id: { S: key } },
            UpdateExpression:
              'SET #data.#f = if_not_exists(#data.#f, :zero) + :by, #expires = :expiresNew, #maxExpires = #maxExpires, #createdAt = #createdAt ADD #version :one',
            ConditionExpression: `${LIVE} AND (attribute_not_exists(#data.#f) OR #data.#f BETWEEN :low AND :high)`,
            ExpressionAttributeNames: { ...LIVE_NAMES, ...namesFor('#data', '#version', '#createdAt'), '#f': field },
            ExpressionAttributeValues: {
              ':now': { N: String(now) },
              ':zero': { N: '0' },
              ':by': { N: String(by) },
              ':low': { N: String(low) },
              ':high': { N: String(high) },
              ':expiresNew': { N: String(expires) },
              ':one': { N: '1' },
            },
            ReturnValues: 'UPDATED_OLD',
            // Free when the condition holds; when it fails, tells a retired id, a missing one and a bad field apart.
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        ),
        o,
      ),
    )
    const attributes = out.Attributes
    const old = attributes?.data?.M?.[field]?.N
    const previous = old === undefined ? undefined : Number(old)
    return {
      value: (previous ?? 0) + by,
      previous,
      version: numberOf(attributes?.version) + 1,
      maxExpires: numberOf(attributes?.maxExpires),
      createdAt: numberOf(attributes?.createdAt),
    }
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error
    assertNotRetired(error.Item, now)
    if (!itemIsLive(error.Item, now)) return null
    throw new SessionUsageError(`session field "${field}" is not an integer counter, or would leave the safe-integer range`)
  }
}
