import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb'
import { SessionStoreUnavailableError } from '../domain/errors.js'
import type { LegacySessionSource } from '../domain/legacy-session-source.js'
import type { SessionData } from '../domain/session.js'
import { notRetriedWhenUnknown } from './dynamodb-retries.js'

/** Options of ConnectDynamoDbSessionSource: where connect-dynamodb kept express-session's sessions. */
export interface ConnectDynamoDbSourceOptions {
  readonly client: DynamoDBClient
  /** The table connect-dynamodb wrote to (its default is `sessions`). */
  readonly tableName: string
  /** connect-dynamodb's `prefix` option; default `sess:`. */
  readonly prefix?: string
  /** connect-dynamodb's `hashKey` option; default `id`. */
  readonly hashKey?: string
  readonly timeoutMs?: number
}

/**
 * Reads sessions that connect-dynamodb stored: key `<prefix><sid>`, the session
 * as a JSON string in `sess`, `expires` in epoch seconds.
 */
export class ConnectDynamoDbSessionSource implements LegacySessionSource {
  readonly #o: Required<ConnectDynamoDbSourceOptions>

  constructor(options: ConnectDynamoDbSourceOptions) {
    this.#o = { prefix: 'sess:', hashKey: 'id', timeoutMs: 2000, ...options }
  }

  async load(id: string, now: number): Promise<SessionData | null | 'claimed'> {
    const item = await this.#read(id)
    const text = item?.sess?.S
    // Claimed (or just migrated) by another request moments ago: its window is the item's `expires`.
    if (!text && (item?.claimedSess || item?.migrated) && now < Number(item.expires?.N ?? 0)) return 'claimed'
    if (!text) return null
    if (item.expires?.N !== undefined && now >= Number(item.expires.N)) return null
    try {
      const parsed = JSON.parse(text) as SessionData
      // express-session keeps its cookie settings inside the session; they mean nothing here.
      const { cookie: _cookie, ...data } = parsed
      return data
    } catch {
      return null
    }
  }

  /**
   * Moves `sess` aside (`claimedSess`) with a condition that it is still there, so of
   * parallel claimers exactly one succeeds. The claim expires with the item's
   * `expires` set to `until`; the old expiry is kept (`claimedExpires`) for a release.
   */
  async claim(id: string, _now: number, until: number): Promise<boolean> {
    const { client, tableName, timeoutMs } = this.#o
    const item = await this.#read(id)
    if (!item?.sess) return false
    const { sess, ...rest } = item
    try {
      await guard(() =>
        client.send(
          notRetriedWhenUnknown(new PutItemCommand({
            TableName: tableName,
            Item: {
              ...rest,
              claimedSess: sess,
              ...(rest.expires ? { claimedExpires: rest.expires } : {}),
              expires: { N: String(until) },
            } as Record<string, AttributeValue>,
            ConditionExpression: '#sess = :sess',
            ExpressionAttributeNames: { '#sess': 'sess' },
            ExpressionAttributeValues: { ':sess': sess },
          })),
          { abortSignal: AbortSignal.timeout(timeoutMs) },
        ),
      )
      return true
    } catch (error) {
      if ((error as { cause?: unknown }).cause instanceof ConditionalCheckFailedException) return false
      throw error
    }
  }

  async release(id: string): Promise<void> {
    const { client, tableName, timeoutMs } = this.#o
    const { claimedSess, claimedExpires, expires: _claimWindow, ...rest } = (await this.#read(id)) ?? {}
    if (!claimedSess) return
    const item = { ...rest, sess: claimedSess, ...(claimedExpires ? { expires: claimedExpires } : {}) }
    await guard(() =>
      client.send(
        notRetriedWhenUnknown(
          new PutItemCommand({
            TableName: tableName,
            Item: item as Record<string, AttributeValue>,
            // Only the claim this request made is given back.
            ConditionExpression: 'attribute_exists(claimedSess)',
          }),
        ),
        { abortSignal: AbortSignal.timeout(timeoutMs) },
      ),
    ).catch(() => {})
  }

  async complete(id: string, _now: number): Promise<void> {
    const { client, tableName, hashKey, prefix, timeoutMs } = this.#o
    const item = await this.#read(id)
    if (!item?.claimedSess) return
    await guard(() =>
      client.send(
        notRetriedWhenUnknown(
          new PutItemCommand({
            TableName: tableName,
            // No data, no old expiry: the key, the claim's window, and that it was migrated.
            Item: { [hashKey]: { S: prefix + id }, expires: item.expires ?? { N: '0' }, migrated: { BOOL: true } },
            ConditionExpression: 'attribute_exists(claimedSess)',
          }),
        ),
        { abortSignal: AbortSignal.timeout(timeoutMs) },
      ),
    )
  }

  /** The raw item under the old session's key, strongly consistent. */
  async #read(id: string): Promise<Record<string, AttributeValue> | undefined> {
    const { client, tableName, prefix, hashKey, timeoutMs } = this.#o
    const out = await guard(() =>
      client.send(new GetItemCommand({ TableName: tableName, Key: { [hashKey]: { S: prefix + id } }, ConsistentRead: true }), {
        abortSignal: AbortSignal.timeout(timeoutMs),
      }),
    )
    return out.Item
  }

  async delete(id: string): Promise<void> {
    const { client, tableName, prefix, hashKey, timeoutMs } = this.#o
    await guard(() =>
      client.send(new DeleteItemCommand({ TableName: tableName, Key: { [hashKey]: { S: prefix + id } } }), {
        abortSignal: AbortSignal.timeout(timeoutMs),
      }),
    )
  }
}

async function guard<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call()
  } catch (error) {
    throw new SessionStoreUnavailableError('The legacy session store is unavailable', { cause: error })
  }
}
