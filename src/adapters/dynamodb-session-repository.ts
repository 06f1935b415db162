import { ConditionalCheckFailedException, UpdateItemCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb'
import {
  SessionConflictError,
  SessionStoreUnavailableError,
  SessionTooLargeError,
  SessionUsageError,
} from '../domain/errors.js'
import { isLive, type SessionData, type StoredSession } from '../domain/session.js'
import type { Increment, SessionChange, SessionRepository } from '../domain/session-repository.js'

export interface DynamoDbSessionRepositoryOptions {
  /** The low-level client; the adapter wraps it in a document client with the marshalling it needs. */
  readonly client: DynamoDBClient
  readonly tableName: string
  /** Upper bound for one call, SDK retries included, in milliseconds. Default 2000. */
  readonly timeoutMs?: number
}

/** The item as stored. `id` holds the storage key (a hash), never the session id. */
interface SessionItem {
  id: string
  data: SessionData
  createdAt: number
  expires: number
  maxExpires: number
  version: number
}

// Condition rules, one per constant.
/** The item exists and neither deadline has passed (TTL deletion can lag by days). */
const LIVE = 'attribute_exists(#id) AND #expires > :now AND #maxExpires > :now'
/** Nobody wrote since the version this request read. */
const UNCHANGED = '#version = :expected'
/** A new session never replaces an existing item. */
const ABSENT = 'attribute_not_exists(#id)'

const LIVE_NAMES = { '#id': 'id', '#expires': 'expires', '#maxExpires': 'maxExpires' }

/**
 * Stores sessions in a DynamoDB table with hash key `id` (string) and TTL on
 * `expires`. Each operation is a single request: reads are strongly consistent,
 * writes are conditional, counters use atomic updates.
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
  }

  async load(key: string, now: number): Promise<StoredSession | null> {
    const out = await this.#call((o) =>
      this.#client.send(new GetCommand({ TableName: this.#table, Key: { id: key }, ConsistentRead: true }), o),
    )
    const item = out.Item as SessionItem | undefined
    return item && isLive(item, now) ? fromItem(item) : null
  }

  async create(session: StoredSession): Promise<void> {
    try {
      await this.#call((o) =>
        this.#client.send(new PutCommand({
          TableName: this.#table,
          Item: toItem(session),
          ConditionExpression: ABSENT,
          ExpressionAttributeNames: { '#id': 'id' },
        }), o),
      )
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw new SessionConflictError('a session with this key already exists', { cause: error })
      }
      throw error
    }
  }

  async update(key: string, change: SessionChange, now: number): Promise<number | null> {
    const names: Record<string, string> = { ...LIVE_NAMES, '#version': 'version' }
    const values: Record<string, unknown> = { ':now': now, ':one': 1, ':expiresNew': change.expires }
    const sets = ['#expires = :expiresNew']
    const removes: string[] = []
    const keys = Object.keys(change.set)
    if (keys.length > 0 || change.remove.length > 0) names['#data'] = 'data'
    keys.forEach((k, i) => {
      names[`#s${i}`] = k
      values[`:s${i}`] = change.set[k]
      sets.push(`#data.#s${i} = :s${i}`)
    })
    change.remove.forEach((k, i) => {
      names[`#r${i}`] = k
      removes.push(`#data.#r${i}`)
    })
    let condition = LIVE
    if (change.expectedVersion !== undefined) {
      condition = `${LIVE} AND ${UNCHANGED}`
      values[':expected'] = change.expectedVersion
    }
    const expression = `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''} ADD #version :one`
    try {
      const out = await this.#call((o) =>
        this.#client.send(new UpdateCommand({
          TableName: this.#table,
          Key: { id: key },
          UpdateExpression: expression,
          ConditionExpression: condition,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'UPDATED_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }), o),
      )
      return Number(out.Attributes?.version)
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        // Tell "gone" from "changed under us" by the old item the failure returns.
        if (!oldItemIsLive(error, now)) return null
        throw new SessionConflictError(undefined, { cause: error })
      }
      throw error
    }
  }

  async increment(key: string, field: string, by: number, expires: number, now: number): Promise<Increment | null> {
    try {
      // The busiest call of all, so it skips the document client: its values are a few
      // numbers, marshalled here, which saves a walk of the input and of the output.
      const out = await this.#call((o) =>
        this.#raw.send(new UpdateItemCommand({
          TableName: this.#table,
          Key: { id: { S: key } },
          // One atomic request: no read, so parallel visits cannot overwrite each other.
          UpdateExpression:
            // Setting maxExpires to itself makes UPDATED_NEW return it without returning the data.
            'SET #data.#f = if_not_exists(#data.#f, :zero) + :by, #expires = :expiresNew, #maxExpires = #maxExpires ADD #version :one',
          ConditionExpression: LIVE,
          ExpressionAttributeNames: { ...LIVE_NAMES, '#data': 'data', '#f': field, '#version': 'version' },
          ExpressionAttributeValues: { ':now': numberValue(now), ':zero': { N: '0' }, ':by': numberValue(by), ':expiresNew': numberValue(expires), ':one': { N: '1' } },
          ReturnValues: 'UPDATED_NEW',
        }), o),
      )
      const attributes = out.Attributes
      return {
        value: Number(attributes?.data?.M?.[field]?.N),
        version: Number(attributes?.version?.N),
        maxExpires: Number(attributes?.maxExpires?.N),
      }
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return null
      throw error
    }
  }

  async delete(key: string): Promise<void> {
    await this.#call((o) => this.#client.send(new DeleteCommand({ TableName: this.#table, Key: { id: key } }), o))
  }

  /** Sends with a deadline and turns SDK failures into domain errors. */
  async #call<T>(send: (options: { abortSignal: AbortSignal }) => Promise<T>): Promise<T> {
    try {
      return await send({ abortSignal: AbortSignal.timeout(this.#timeoutMs) })
    } catch (error) {
      throw translate(error)
    }
  }
}

function translate(error: unknown): unknown {
  if (error instanceof ConditionalCheckFailedException) return error
  const name = (error as { name?: string })?.name
  const message = String((error as { message?: string })?.message ?? '')
  if (name === 'ValidationException') {
    if (/item size/i.test(message)) return new SessionTooLargeError(Number.NaN, 400 * 1024)
    if (/incorrect (data|operand) type|operand type/i.test(message)) {
      return new SessionUsageError('incremented a session field that is not a number', { cause: error })
    }
    return error
  }
  if (isOutage(error)) {
    return new SessionStoreUnavailableError(`The session store is unavailable (${name ?? 'error'})`, { cause: error })
  }
  return error
}

/**
 * Whether DynamoDB failed to serve the call: any answer from the service (throttling,
 * 5xx, a missing table, refused credentials), a network failure or our deadline.
 * Everything else (a bug in what we sent) stays a plain error.
 */
function isOutage(error: unknown): boolean {
  const e = error as { $metadata?: unknown; name?: string; code?: string }
  if (e?.$metadata !== undefined) return true
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return true
  return typeof e?.code === 'string' && /^(E[A-Z]+|UND_ERR)/.test(e.code)
}

function oldItemIsLive(error: ConditionalCheckFailedException, now: number): boolean {
  // The failure carries the old item in raw attribute-value form.
  const item = error.Item as Record<string, { N?: string }> | undefined
  if (!item) return false
  return isLive({ expires: Number(item.expires?.N), maxExpires: Number(item.maxExpires?.N) }, now)
}

/** A number as DynamoDB's wire format wants it; only finite numbers have one. */
function numberValue(n: number): AttributeValue.NMember {
  if (!Number.isFinite(n)) throw new SessionUsageError(`cannot store ${n} as a DynamoDB number`)
  return { N: String(n) }
}

function toItem(s: StoredSession): SessionItem {
  return {
    id: s.key,
    data: s.data as SessionData,
    createdAt: s.createdAt,
    expires: s.expires,
    maxExpires: s.maxExpires,
    version: s.version,
  }
}

function fromItem(item: SessionItem): StoredSession {
  return {
    key: item.id,
    data: item.data ?? {},
    createdAt: Number(item.createdAt),
    expires: Number(item.expires),
    maxExpires: Number(item.maxExpires),
    version: Number(item.version),
  }
}
