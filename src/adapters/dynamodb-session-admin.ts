import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  ScanCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb'
import { isLive } from '../domain/session.js'
import { ATTR, EXPIRED, EXPIRED_NAMES } from './dynamodb-item.js'

export interface DynamoDbSessionAdminOptions {
  readonly client: DynamoDBClient
  readonly tableName: string
  /** Items per Scan page (DynamoDB's Limit); default: as many as fit in DynamoDB's 1 MB page. */
  readonly pageSize?: number
  /** Conditional deletes in flight at once during a purge. Default 8. */
  readonly deleteConcurrency?: number
}

/** What an operator may see of one item: deadlines and bookkeeping, never the session data. */
export interface SessionSummary {
  /** The storage key (a hash of the session id, which cannot be replayed as a cookie). */
  readonly key: string
  /** Epoch seconds; null when the item lacks the attribute (e.g. an item connect-dynamodb wrote). */
  readonly createdAt: number | null
  readonly expires: number | null
  readonly maxExpires: number | null
  readonly version: number | null
  /** Approximate stored size of the item in bytes, by DynamoDB's sizing rules. */
  readonly approxBytes: number
  readonly expired: boolean
}

export interface SessionCounts {
  readonly total: number
  readonly live: number
  readonly expired: number
}

export interface PurgeResult {
  readonly scanned: number
  readonly deleted: number
  /** Expired when scanned, but refreshed (or already deleted) before the delete reached them. */
  readonly skipped: number
}

/** Reported after each Scan page is read, before any of that page's deletes. */
export type ScanProgress = (progress: { readonly scanned: number; readonly deleted: number }) => void


/**
 * Operator tasks over the sessions table: count, list and purge expired items.
 * Reads with paginated Scans that project only the attributes needed, so
 * session data is never brought back except to size it in list().
 *
 * @example
 *   const admin = new DynamoDbSessionAdmin({ client, tableName: 'sessions' })
 *   const { live } = await admin.count(Math.floor(Date.now() / 1000))
 */
export class DynamoDbSessionAdmin {
  readonly #client: DynamoDBClient
  readonly #table: string
  readonly #pageSize: number | undefined
  readonly #concurrency: number

  constructor(options: DynamoDbSessionAdminOptions) {
    this.#client = options.client
    this.#table = options.tableName
    this.#pageSize = options.pageSize
    this.#concurrency = Math.max(1, options.deleteConcurrency ?? 8)
  }

  /** Every item, one summary at a time, in the table's own (unordered) scan order. */
  async *list(now: number, onProgress?: ScanProgress): AsyncGenerator<SessionSummary> {
    // `sess` holds the data of items connect-dynamodb wrote, which share the table during a migration.
    const attributes = [ATTR.id, ATTR.createdAt, ATTR.expires, ATTR.maxExpires, ATTR.version, ATTR.data, 'sess']
    let scanned = 0
    for await (const page of this.#pages(attributes)) {
      scanned += page.length
      onProgress?.({ scanned, deleted: 0 })
      for (const item of page) yield summarize(item, now)
    }
  }

  async count(now: number, onProgress?: ScanProgress): Promise<SessionCounts> {
    let total = 0
    let expired = 0
    for await (const page of this.#pages([ATTR.id, ATTR.expires, ATTR.maxExpires])) {
      total += page.length
      expired += page.filter((item) => isExpired(item, now)).length
      onProgress?.({ scanned: total, deleted: 0 })
    }
    return { total, live: total - expired, expired }
  }

  /**
   * Deletes every item whose idle or absolute deadline has passed. Each delete is
   * conditional on the item still being expired, so a session refreshed between
   * the scan and the delete survives. DynamoDB's TTL does the same eventually
   * (within days); this is for when the table must be clean now.
   */
  async purgeExpired(now: number, onProgress?: ScanProgress): Promise<PurgeResult> {
    let scanned = 0
    let deleted = 0
    let skipped = 0
    for await (const page of this.#pages([ATTR.id, ATTR.expires, ATTR.maxExpires])) {
      scanned += page.length
      onProgress?.({ scanned, deleted })
      const keys = page.filter((item) => isExpired(item, now) && item.id?.S !== undefined).map((item) => item.id!.S!)
      for (let i = 0; i < keys.length; i += this.#concurrency) {
        const outcomes = await Promise.all(keys.slice(i, i + this.#concurrency).map((key) => this.deleteIfExpired(key, now)))
        for (const gone of outcomes) gone ? deleted++ : skipped++
      }
    }
    onProgress?.({ scanned, deleted })
    return { scanned, deleted, skipped }
  }

  /** Deletes one item only if it is still expired at `now`; false when it was kept (or already gone). */
  async deleteIfExpired(key: string, now: number): Promise<boolean> {
    try {
      await this.#client.send(
        new DeleteItemCommand({
          TableName: this.#table,
          Key: { id: { S: key } },
          ConditionExpression: EXPIRED,
          ExpressionAttributeNames: EXPIRED_NAMES,
          ExpressionAttributeValues: { ':now': { N: String(now) } },
        }),
      )
      return true
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false
      throw error
    }
  }

  async *#pages(attributes: readonly string[]): AsyncGenerator<Record<string, AttributeValue>[]> {
    const names = Object.fromEntries(attributes.map((a, i) => [`#a${i}`, a]))
    let start: Record<string, AttributeValue> | undefined
    do {
      const out = await this.#client.send(
        new ScanCommand({
          TableName: this.#table,
          ProjectionExpression: Object.keys(names).join(', '),
          ExpressionAttributeNames: names,
          ...(this.#pageSize ? { Limit: this.#pageSize } : {}),
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      )
      yield out.Items ?? []
      start = out.LastEvaluatedKey
    } while (start)
  }
}

const numberOf = (value: AttributeValue | undefined): number | null =>
  value?.N === undefined ? null : Number(value.N)

/** The liveness rule, with a missing deadline (an item connect-dynamodb wrote) never passing. */
const isExpired = (item: Record<string, AttributeValue>, now: number): boolean =>
  !isLive({ expires: numberOf(item.expires) ?? Infinity, maxExpires: numberOf(item.maxExpires) ?? Infinity }, now)

function summarize(item: Record<string, AttributeValue>, now: number): SessionSummary {
  return {
    key: item.id?.S ?? '?',
    createdAt: numberOf(item.createdAt),
    expires: numberOf(item.expires),
    maxExpires: numberOf(item.maxExpires),
    version: numberOf(item.version),
    approxBytes: Object.entries(item).reduce((sum, [name, value]) => sum + utf8Bytes(name) + valueBytes(value), 0),
    expired: isExpired(item, now),
  }
}

const utf8Bytes = (text: string) => new TextEncoder().encode(text).byteLength

/**
 * DynamoDB's published sizing rules, close enough for an operator's listing:
 * strings by UTF-8 length, numbers by about one byte per two digits, and a few
 * bytes of overhead per map or list and per element.
 */
function valueBytes(value: AttributeValue): number {
  if (value.S !== undefined) return utf8Bytes(value.S)
  if (value.N !== undefined) return Math.ceil(value.N.replace(/^-|\.|e.*$/gi, '').length / 2) + 1
  if (value.B !== undefined) return value.B.byteLength
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1
  if (value.M !== undefined) {
    return 3 + Object.entries(value.M).reduce((sum, [k, v]) => sum + 1 + utf8Bytes(k) + valueBytes(v), 0)
  }
  if (value.L !== undefined) return 3 + value.L.reduce((sum, v) => sum + 1 + valueBytes(v), 0)
  if (value.SS !== undefined) return value.SS.reduce((sum, s) => sum + utf8Bytes(s), 0)
  if (value.NS !== undefined) return value.NS.reduce((sum, n) => sum + Math.ceil(n.length / 2) + 1, 0)
  if (value.BS !== undefined) return value.BS.reduce((sum, b) => sum + b.byteLength, 0)
  return 0
}
