import {
  ConditionalCheckFailedException,
  type ConsumedCapacity,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb'
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb'
import { SessionConflictError, SessionUsageError } from '../domain/errors.js'
import { isLive, type StoredSession } from '../domain/session.js'
import type { Increment, Replacement, RevokeSelection, SessionChange, SessionRepository, StoreCost, UserSessionEntry } from '../domain/session-repository.js'
import { ABSENT, assertNotRetired, ATTR, fromItem, LIVE, LIVE_NAMES, namesFor, toItem, type SessionItem } from './dynamodb-item.js'
import { replaceSession } from './dynamodb-replace.js'
import { dropFromIndex, listUserSessions, type UserIndexTarget } from './dynamodb-user-index.js'
import { createBoundSession, revokeSessions } from './dynamodb-user-sessions.js'
import { translateError } from './dynamodb-errors.js'
import { planKeyUpdate, sendKeyUpdate } from './dynamodb-key-update.js'
import { wholeItemUpdate } from './dynamodb-whole-item-update.js'
import { incrementOnce, type IncrementTarget } from './dynamodb-increment.js'
import { notRetriedWhenUnknown } from './dynamodb-retries.js'

/** Options of DynamoDbSessionRepository: the client and the table are required. */
export interface DynamoDbSessionRepositoryOptions {
  /** The low-level client; the adapter wraps it in a document client with the marshalling it needs. */
  readonly client: DynamoDBClient
  readonly tableName: string
  /** Upper bound for one call, SDK retries included, in milliseconds. Default 2000. */
  readonly timeoutMs?: number
  /** Most sessions one user may hold; a login beyond it ends the oldest. Default 50. */
  readonly maxSessionsPerUser?: number
  /**
   * `strong` (default): every session read is strongly consistent. `eventual`: reads cost
   * half, and a read that finds nothing is repeated strongly (a session just created
   * elsewhere is not taken for missing). Writes are conditional either way.
   */
  readonly consistentReads?: 'strong' | 'eventual'
}

/** What a view shares with the repository it was made from. */
interface Shared {
  readonly client: DynamoDBDocumentClient
  readonly raw: DynamoDBClient
  readonly options: DynamoDbSessionRepositoryOptions
}

/** One SDK call with its deadline; SDK failures come back as domain errors. */
export type Send = <T>(call: (options: { abortSignal: AbortSignal }) => Promise<T>, kind?: 'read' | 'write') => Promise<T>

/**
 * Stores sessions in a DynamoDB table with hash key `id` (string) and TTL on
 * `expires`. Reads are strongly consistent and writes conditional. Calls: load,
 * create, increment and end are one request each; update is one UpdateItem,
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
  readonly #strongReads: boolean
  readonly #shared: Shared
  readonly #cost: StoreCost | null

  constructor(options: DynamoDbSessionRepositoryOptions, view?: { shared: Shared; cost: StoreCost }) {
    const client =
      view?.shared.client ??
      DynamoDBDocumentClient.from(options.client, {
        // Session data is JSON: numbers are doubles, so store them as such rather than refuse
        // values beyond 2^53, and read them back as plain numbers, never BigInt.
        marshallOptions: { removeUndefinedValues: true, allowImpreciseNumbers: true },
        unmarshallOptions: { wrapNumbers: (value: string) => Number(value) },
      })
    this.#shared = view?.shared ?? { client, raw: options.client, options }
    this.#cost = view?.cost ?? null
    this.#client = client
    this.#raw = options.client
    this.#table = options.tableName
    this.#timeoutMs = options.timeoutMs ?? 2000
    this.#maxPerUser = Math.max(1, options.maxSessionsPerUser ?? 50)
    this.#strongReads = (options.consistentReads ?? 'strong') === 'strong'
  }

  /** A view over the same clients that adds the capacity units of its calls to `cost` (one per request). */
  metered(cost: StoreCost): DynamoDbSessionRepository {
    return new DynamoDbSessionRepository(this.#shared.options, { shared: this.#shared, cost })
  }

  get #index(): UserIndexTarget {
    return { client: this.#client, table: this.#table, send: this.#send, maxSessionsPerUser: this.#maxPerUser }
  }

  async load(key: string, now: number): Promise<StoredSession | null> {
    const read = (strong: boolean) =>
      this.#send(
        (o) => this.#client.send(new GetCommand({ ReturnConsumedCapacity: 'TOTAL', TableName: this.#table, Key: { id: key }, ConsistentRead: strong }), o),
        'read',
      )
    let out = await read(this.#strongReads)
    // An eventually consistent miss may be a session created moments ago: ask again, strongly.
    if (!out.Item && !this.#strongReads) out = await read(true)
    assertNotRetired(out.Item, now)
    const item = out.Item as SessionItem | undefined
    return item && item.version !== undefined && isLive(item, now) ? fromItem(item) : null
  }

  async create(session: StoredSession): Promise<void> {
    if (session.user) return createBoundSession({ client: this.#client, table: this.#table, send: this.#send }, this.#index, session)
    try {
      await this.#send((o) =>
        this.#client.send(
          notRetriedWhenUnknown(new PutCommand({ ReturnConsumedCapacity: 'TOTAL', TableName: this.#table, Item: toItem(session), ConditionExpression: ABSENT, ExpressionAttributeNames: namesFor('#id') })),
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

  async listUserSessions(userId: string, now: number): Promise<UserSessionEntry[]> {
    return listUserSessions(this.#index, userId, now)
  }

  async revokeUserSessions(userId: string, which: RevokeSelection, now: number): Promise<number> {
    return revokeSessions({ client: this.#client, table: this.#table, send: this.#send }, this.#index, userId, which, now)
  }

  async update(key: string, change: SessionChange, now: number): Promise<number | null> {
    const target = { client: this.#client, table: this.#table, key, send: this.#send }
    const plan = planKeyUpdate(change, now)
    if (plan) return sendKeyUpdate(target, plan, now)
    return wholeItemUpdate(target, change, now, (k, t) => this.load(k, t))
  }

  async increment(key: string, field: string, by: number, expires: number, now: number): Promise<Increment | null> {
    const result = await incrementOnce(this.#incrementTarget, key, field, by, expires, now)
    if (result === null || result.previous === undefined || Number.isSafeInteger(result.previous)) return result
    // The field held a fraction: DynamoDB added in decimal, which a double may not match.
    // Taken back (exactly, in decimal), and refused as memory refuses it.
    await incrementOnce(this.#incrementTarget, key, field, -by, expires, now)
    throw new SessionUsageError(`session field "${field}" is not an integer counter`)
  }

  get #incrementTarget(): IncrementTarget {
    return { raw: this.#raw, table: this.#table, send: this.#send }
  }

  async replace(replacement: Replacement, now: number): Promise<'replaced' | 'changed' | 'gone'> {
    return replaceSession({ client: this.#client, table: this.#table, key: replacement.oldKey, send: this.#send }, this.#index, replacement, now)
  }

  async end(key: string, now: number): Promise<boolean> {
    try {
      const out = await this.#send((o) =>
        this.#client.send(
          new DeleteCommand({
            ReturnConsumedCapacity: 'TOTAL',
            TableName: this.#table,
            Key: { id: key },
            // A retirement marker within its window stays: the caller ends the successor it names.
            ConditionExpression: 'attribute_not_exists(#r) OR #r <= :now',
            ExpressionAttributeNames: { '#r': ATTR.retiredUntil },
            ExpressionAttributeValues: { ':now': now },
            ReturnValues: 'ALL_OLD',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
          o,
        ),
      )
      const old = out.Attributes as SessionItem | undefined
      if (old?.user?.id) await dropFromIndex(this.#index, old.user.id, key)
      return old !== undefined && old.version !== undefined && isLive(old, now)
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error
      assertNotRetired(error.Item, now)
      return false
    }
  }

  readonly #send: Send = async (call, kind = 'write') => {
    try {
      const out = await call({ abortSignal: AbortSignal.timeout(this.#timeoutMs) })
      if (this.#cost) addCost(this.#cost, (out as { ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[] }).ConsumedCapacity, kind)
      return out
    } catch (error) {
      throw translateError(error)
    }
  }
}

/** Adds DynamoDB's report of consumed capacity (one table, or several for transactions and batches) to `cost`. */
function addCost(cost: StoreCost, consumed: ConsumedCapacity | ConsumedCapacity[] | undefined, kind: 'read' | 'write'): void {
  for (const c of Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) {
    // With TOTAL, DynamoDB reports one figure per table: read units for a read call, write units for a write.
    if (kind === 'read') cost.readUnits += c.ReadCapacityUnits ?? c.CapacityUnits ?? 0
    else cost.writeUnits += c.WriteCapacityUnits ?? c.CapacityUnits ?? 0
  }
}
