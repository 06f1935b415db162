import { ConditionalCheckFailedException, TransactionCanceledException, UpdateItemCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb'
import { SessionConflictError } from '../domain/errors.js'
import { isLive, type StoredSession } from '../domain/session.js'
import type { Increment, Replacement, SessionChange, SessionRepository, UserSessionEntry } from '../domain/session-repository.js'
import { ABSENT, assertNotRetired, fromItem, LIVE, LIVE_NAMES, namesFor, toItem, type SessionItem } from './dynamodb-item.js'
import { replaceSession } from './dynamodb-replace.js'
import { indexItems, listUserSessions, lostIndexRace, revokeUserSessions, type UserIndexTarget } from './dynamodb-user-index.js'
import { translateError } from './dynamodb-errors.js'
import { planKeyUpdate, sendKeyUpdate } from './dynamodb-key-update.js'
import { wholeItemUpdate } from './dynamodb-whole-item-update.js'
import { notRetriedWhenUnknown } from './dynamodb-retries.js'

export interface DynamoDbSessionRepositoryOptions {
  /** The low-level client; the adapter wraps it in a document client with the marshalling it needs. */
  readonly client: DynamoDBClient
  readonly tableName: string
  /** Upper bound for one call, SDK retries included, in milliseconds. Default 2000. */
  readonly timeoutMs?: number
  /** Most sessions one user may hold; a login beyond it ends the oldest. Default 50. */
  readonly maxSessionsPerUser?: number
}

/** One SDK call with its deadline; SDK failures come back as domain errors. */
export type Send = <T>(call: (options: { abortSignal: AbortSignal }) => Promise<T>) => Promise<T>

/**
 * Stores sessions in a DynamoDB table with hash key `id` (string) and TTL on
 * `expires`. Reads are strongly consistent and writes conditional. Calls: load,
 * create, increment and delete are one request each; update is one UpdateItem,
 * or, for a change too large for one expression, a GetItem and a version-guarded
 * PutItem (retried on a race).
 *
 * @example
 *   const client = new DynamoDBClient({})
 *   const repository = new DynamoDbSessionRepository({ client, tableName: 'sessions' })
 */
export class DynamoDbSessionRepository implements SessionRepository {
  readonly #client: DynamoDBDocumentClient
  /** The low-level client, for the per-visit increment whose few values are marshalled by hand. */
  readonly #raw: DynamoDBClient
  readonly #table: string
  readonly #timeoutMs: number
  readonly #maxPerUser: number

  constructor(options: DynamoDbSessionRepositoryOptions) {
    this.#client = DynamoDBDocumentClient.from(options.client, {
      // Session data is JSON: numbers are doubles, so store them as such rather than refuse
      // values beyond 2^53, and read them back as plain numbers, never BigInt.
      marshallOptions: { removeUndefinedValues: true, allowImpreciseNumbers: true },
      unmarshallOptions: { wrapNumbers: (value: string) => Number(value) },
    })
    this.#raw = options.client
    this.#table = options.tableName
    this.#timeoutMs = options.timeoutMs ?? 2000
    this.#maxPerUser = Math.max(1, options.maxSessionsPerUser ?? 50)
  }

  get #index(): UserIndexTarget {
    return { client: this.#client, table: this.#table, send: this.#send, maxSessionsPerUser: this.#maxPerUser }
  }

  async load(key: string, now: number): Promise<StoredSession | null> {
    const out = await this.#send((o) =>
      this.#client.send(new GetCommand({ TableName: this.#table, Key: { id: key }, ConsistentRead: true }), o),
    )
    assertNotRetired(out.Item, now)
    const item = out.Item as SessionItem | undefined
    return item && item.version !== undefined && isLive(item, now) ? fromItem(item) : null
  }

  async create(session: StoredSession): Promise<void> {
    if (session.user) return this.#createIndexed(session)
    try {
      await this.#send((o) =>
        this.#client.send(
          notRetriedWhenUnknown(new PutCommand({ TableName: this.#table, Item: toItem(session), ConditionExpression: ABSENT, ExpressionAttributeNames: namesFor('#id') })),
          o,
        ),
      )
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw new SessionConflictError('a session with this key already exists', { cause: error })
      }
      throw error
    }
  }

  /** A session bound to a user: the session and its user index entry in one transaction (a login without a session before). */
  async #createIndexed(session: StoredSession): Promise<void> {
    for (let round = 0; ; round++) {
      const indexing = await indexItems(this.#index, session, null, session.createdAt)
      try {
        await this.#send((o) =>
          this.#client.send(
            new TransactWriteCommand({
              ClientRequestToken: crypto.randomUUID(),
              TransactItems: [
                { Put: { TableName: this.#table, Item: toItem(session), ConditionExpression: ABSENT, ExpressionAttributeNames: namesFor('#id') } },
                ...(indexing as NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>),
              ],
            }),
            o,
          ),
        )
        return
      } catch (error) {
        const cause = (error as { cause?: unknown }).cause ?? error
        const reasons = cause instanceof TransactionCanceledException ? cause.CancellationReasons : undefined
        if (reasons?.[0]?.Code === 'ConditionalCheckFailed') throw new SessionConflictError('a session with this key already exists')
        if (!lostIndexRace(reasons, 1) || round >= 4) throw error
      }
    }
  }

  async listUserSessions(userId: string, now: number): Promise<UserSessionEntry[]> {
    return listUserSessions(this.#index, userId, now)
  }

  async revokeUserSessions(userId: string, keys: readonly string[] | 'all', now: number): Promise<number> {
    return revokeUserSessions(this.#index, userId, keys, now)
  }

  async update(key: string, change: SessionChange, now: number): Promise<number | null> {
    const target = { client: this.#client, table: this.#table, key, send: this.#send }
    const plan = planKeyUpdate(change, now)
    if (plan) return sendKeyUpdate(target, plan, now)
    return wholeItemUpdate(target, change, now, (k, t) => this.load(k, t))
  }

  async increment(key: string, field: string, by: number, expires: number, now: number): Promise<Increment | null> {
    try {
      // The busiest call of all, so it skips the document client: its values are a few
      // numbers, marshalled here, which saves a walk of the input and of the output.
      const out = await this.#send((o) =>
        this.#raw.send(
          notRetriedWhenUnknown(new UpdateItemCommand({
            TableName: this.#table,
            Key: { id: { S: key } },
            // One atomic request: no read, so parallel visits cannot overwrite each other.
            // UPDATED_OLD returns the field's old value (absent when this creates it), the old
            // version and, set to themselves, the absolute deadline and the id's age, without the data.
            UpdateExpression:
              'SET #data.#f = if_not_exists(#data.#f, :zero) + :by, #expires = :expiresNew, #maxExpires = #maxExpires, #createdAt = #createdAt ADD #version :one',
            ConditionExpression: LIVE,
            ExpressionAttributeNames: { ...LIVE_NAMES, ...namesFor('#data', '#version', '#createdAt'), '#f': field },
            ExpressionAttributeValues: {
              ':now': { N: String(now) },
              ':zero': { N: '0' },
              ':by': { N: String(by) },
              ':expiresNew': { N: String(expires) },
              ':one': { N: '1' },
            },
            ReturnValues: 'UPDATED_OLD',
            // Free when the condition holds; when it fails, tells a retired id from a missing one.
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          })),
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
      if (error instanceof ConditionalCheckFailedException) {
        assertNotRetired(error.Item, now)
        return null
      }
      throw error
    }
  }

  async replace(replacement: Replacement, now: number): Promise<'replaced' | 'changed' | 'gone'> {
    return replaceSession({ client: this.#client, table: this.#table, key: replacement.oldKey, send: this.#send }, this.#index, replacement, now)
  }

  async delete(key: string): Promise<void> {
    await this.#send((o) => this.#client.send(new DeleteCommand({ TableName: this.#table, Key: { id: key } }), o))
  }

  readonly #send: Send = async (call) => {
    try {
      return await call({ abortSignal: AbortSignal.timeout(this.#timeoutMs) })
    } catch (error) {
      throw translateError(error)
    }
  }
}

const numberOf = (value: AttributeValue | undefined): number => Number(value?.N)
