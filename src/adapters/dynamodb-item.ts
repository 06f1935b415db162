import { SessionRetiredError } from '../domain/errors.js'
import { isLive, type SessionData, type SessionUser, type StoredSession } from '../domain/session.js'
import type { Retirement } from '../domain/session-repository.js'
import { copyData } from '../domain/session-values.js'
import { toBase64Url } from '../domain/base64.js'

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
  /** On a retired key's marker only: until when the retirement is reported. */
  retiredUntil: 'retiredUntil',
  /** On a retired key's marker only: the successor's id, sealed with the old id. */
  forward: 'forward',
  /** On a session bound to a user: `{ id, device }`. */
  user: 'user',
  /** On a user's index item: its sessions, storage key → `{ c: createdAt, m: maxExpires, d: device, l: lineage }`. */
  sessions: 'sessions',
  /** On a user's index item: bumped by every change of `sessions` (see dynamodb-user-index.ts). */
  indexVersion: 'v',
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
  user?: SessionUser
}

/** Placeholder names for the attributes, as every expression below spells them. */
export const NAMES = {
  '#id': ATTR.id,
  '#data': ATTR.data,
  '#expires': ATTR.expires,
  '#maxExpires': ATTR.maxExpires,
  '#version': ATTR.version,
  '#createdAt': ATTR.createdAt,
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
    ...(s.user ? { user: { id: s.user.id, device: s.user.device, ...(s.user.lineage ? { lineage: s.user.lineage } : {}) } } : {}),
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
    ...(item.user?.id ? { user: userFrom(item.user) } : {}),
  }
}

function userFrom(user: SessionUser): SessionUser {
  const base = { id: String(user.id), device: String(user.device ?? '') }
  return user.lineage ? { ...base, lineage: String(user.lineage) } : base
}

/**
 * The marker a retired key keeps for its grace window: no data, no deadlines that
 * make it live (so every LIVE condition fails on it), TTL on `expires`.
 */
export function retirementItem(key: string, retirement: Retirement): Record<string, unknown> {
  return {
    [ATTR.id]: key,
    [ATTR.retiredUntil]: retirement.until,
    [ATTR.expires]: retirement.until,
    ...(retirement.forward ? { [ATTR.forward]: retirement.forward } : {}),
  }
}

/** Throws SessionRetiredError for a marker still within its window; the item in document or in raw form. */
export function assertNotRetired(item: Record<string, unknown> | undefined, now: number): void {
  const until = numberIn(item?.[ATTR.retiredUntil])
  if (!(until > now)) return
  throw new SessionRetiredError(stringIn(item?.[ATTR.forward]))
}

// Items come back in two forms: raw attribute values (`{ N: '12' }`) from the low-level
// client and from failed conditions, plain values from the document client.

/** A number attribute in either form; NaN when absent. */
export const numberIn = (value: unknown): number =>
  typeof value === 'object' && value !== null ? Number((value as { N?: string }).N) : Number(value)

/** A string attribute in either form; undefined when absent. */
export const stringIn = (value: unknown): string | undefined =>
  typeof value === 'object' && value !== null ? (value as { S?: string }).S : (value as string | undefined)

/** Whether an item (either form) is a live session, by the liveness rule of session.ts. */
export const itemIsLive = (item: Record<string, unknown> | undefined, now: number): boolean =>
  item !== undefined && isLive({ expires: numberIn(item[ATTR.expires]), maxExpires: numberIn(item[ATTR.maxExpires]) }, now)

/** The key of a user's index item. Hashed, so a user id never appears as a key; the `user:` prefix keeps it apart from session keys. */
export async function userIndexKey(userId: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`user-index:${userId}`))
  return `user:${toBase64Url(new Uint8Array(digest))}`
}
