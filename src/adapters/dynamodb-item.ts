import type { SessionData, StoredSession } from '../domain/session.js'
import { copyData } from '../domain/session-values.js'

// The sessions table's item, in one place: attribute names, the conversions, and the
// named conditions. The repository, the operator scans and the table definition all
// use these, so a renamed attribute is renamed everywhere.

/** Attribute names. `id` is the hash key and holds the storage key (a hash), never the session id. */
export const ATTR = {
  id: 'id',
  data: 'data',
  createdAt: 'createdAt',
  expires: 'expires',
  maxExpires: 'maxExpires',
  version: 'version',
} as const

/** The TTL attribute: the idle deadline, epoch seconds. */
export const TTL_ATTRIBUTE = ATTR.expires

/** The item as the document client reads and writes it. */
export interface SessionItem {
  id: string
  data: SessionData
  createdAt: number
  expires: number
  maxExpires: number
  version: number
}

/** Placeholder names for the attributes, as every expression below spells them. */
export const NAMES = {
  '#id': ATTR.id,
  '#data': ATTR.data,
  '#expires': ATTR.expires,
  '#maxExpires': ATTR.maxExpires,
  '#version': ATTR.version,
} as const

/** The liveness rule of session.ts as a condition: the item exists and neither deadline has passed (TTL deletion lags). */
export const LIVE = 'attribute_exists(#id) AND #expires > :now AND #maxExpires > :now'
/** Its negation, for operator purges: either deadline has passed. */
export const EXPIRED = '#expires <= :now OR #maxExpires <= :now'
/** A new session never replaces an existing item. */
export const ABSENT = 'attribute_not_exists(#id)'
/** Nobody wrote since the version this request read. */
export const UNCHANGED = '#version = :expected'

/** Only the placeholders an expression uses may be sent; DynamoDB refuses unused ones. */
export const namesFor = (...placeholders: Array<keyof typeof NAMES>): Record<string, string> =>
  Object.fromEntries(placeholders.map((p) => [p, NAMES[p]]))

export const LIVE_NAMES = namesFor('#id', '#expires', '#maxExpires')
export const EXPIRED_NAMES = namesFor('#expires', '#maxExpires')

export function toItem(s: StoredSession): SessionItem {
  return {
    id: s.key,
    data: s.data as SessionData,
    createdAt: s.createdAt,
    expires: s.expires,
    maxExpires: s.maxExpires,
    version: s.version,
  }
}

export function fromItem(item: SessionItem): StoredSession {
  return {
    key: item.id,
    // Copied key by key: an item written by something else cannot smuggle in a prototype.
    data: copyData(item.data),
    createdAt: Number(item.createdAt),
    expires: Number(item.expires),
    maxExpires: Number(item.maxExpires),
    version: Number(item.version),
  }
}
