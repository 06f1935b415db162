import { BatchGetCommand, GetCommand, UpdateCommand, type DynamoDBDocumentClient, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb'
import { SessionConflictError } from '../domain/errors.js'
import { isLive, lineageOf, type SessionUser, type StoredSession } from '../domain/session.js'
import type { UserSessionEntry } from '../domain/session-repository.js'
import { ATTR, userIndexKey } from './dynamodb-item.js'
import type { Send } from './dynamodb-session-repository.js'

// A user's sessions, found without a Scan: one index item per user, `user:<hash of the
// user id>`, whose `sessions` map holds, per storage key, the session's creation time
// (c), absolute deadline (m), device (d) and lineage (l). The item carries a version
// (v) that every change of the map bumps. It is the lock of a user's identity changes:
// - a login adds its key on the condition that v is still the one read, so racing
//   logins are ordered and the cap holds once all have answered;
// - a renewal swaps its old key for the new one only while the old key is listed;
// - a revocation removes keys and deletes their sessions on the condition that v is
//   still the one read, so a renewal that raced it either lost or is seen and ended.
// Each of these is in the same transaction as the session items it concerns.

export interface IndexEntry {
  readonly c: number
  readonly m: number
  readonly d: string
  readonly l?: string
}

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number]

export interface UserIndexTarget {
  readonly client: DynamoDBDocumentClient
  readonly table: string
  readonly send: Send
  readonly maxSessionsPerUser: number
}

export interface UserIndex {
  readonly key: string
  readonly exists: boolean
  /** The version read; undefined for an item written before versions (or absent). */
  readonly version: number | undefined
  readonly expires: number
  readonly entries: ReadonlyMap<string, IndexEntry>
}

/** Most keys one write removes from the map (and sessions it deletes): keeps every expression and transaction far inside DynamoDB's limits. */
export const MAX_REMOVALS_PER_WRITE = 40

/** Rounds of re-reading an index that other identity changes keep moving, before answering 409. */
const MAX_ROUNDS = 16

/** The index item, read strongly. */
export async function readIndex(target: UserIndexTarget, userId: string): Promise<UserIndex> {
  const key = await userIndexKey(userId)
  const out = await target.send(
    (o) => target.client.send(new GetCommand({ ReturnConsumedCapacity: 'TOTAL', TableName: target.table, Key: { id: key }, ConsistentRead: true }), o),
    'read',
  )
  const item = out.Item
  const sessions = (item?.[ATTR.sessions] ?? {}) as Record<string, IndexEntry>
  const version = item?.[ATTR.indexVersion]
  return {
    key,
    exists: item !== undefined,
    version: version === undefined ? undefined : Number(version),
    expires: Number(item?.[ATTR.expires] ?? 0),
    entries: new Map(Object.entries(sessions)),
  }
}

/**
 * Runs `attempt` against a fresh read of the user's index until it stops reporting
 * 'raced' (another identity change of the user moved the index first), a bounded
 * number of rounds with jitter. 'progress' (a trimming step) re-reads without counting.
 */
export async function withUserIndex<T>(
  target: UserIndexTarget,
  userId: string,
  attempt: (index: UserIndex) => Promise<T | 'raced' | 'progress'>,
): Promise<T> {
  for (let round = 0, progress = 0; round < MAX_ROUNDS && progress < 1000; ) {
    const outcome = await attempt(await readIndex(target, userId))
    if (outcome === 'progress') {
      progress++
      continue
    }
    if (outcome !== 'raced') return outcome
    round++
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 8 * round))
  }
  throw new SessionConflictError("the user's sessions kept changing; try again")
}

/** The condition that the index is still at the version read (or still absent). */
function unchanged(index: UserIndex): { condition: string; names: Record<string, string>; values: Record<string, unknown> } {
  if (!index.exists) return { condition: 'attribute_not_exists(#id)', names: { '#id': ATTR.id }, values: {} }
  if (index.version === undefined) return { condition: 'attribute_not_exists(#v)', names: { '#v': ATTR.indexVersion }, values: {} }
  return { condition: '#v = :v', names: { '#v': ATTR.indexVersion }, values: { ':v': index.version } }
}

/** An UpdateItem on the index: SET the given entries, REMOVE the given keys, bump v, under `condition`. */
function indexUpdate(
  index: UserIndex,
  change: { readonly add?: readonly [string, IndexEntry]; readonly remove: readonly string[]; readonly expires?: number },
  guard: { condition: string; names: Record<string, string>; values: Record<string, unknown> },
  table: string,
): TransactItem {
  const names: Record<string, string> = { ...guard.names, '#s': ATTR.sessions, '#v': ATTR.indexVersion }
  const values: Record<string, unknown> = { ...guard.values, ':one': 1 }
  const sets: string[] = []
  if (change.add && index.exists) {
    names['#new'] = change.add[0]
    values[':entry'] = change.add[1]
    sets.push('#s.#new = :entry')
  } else if (change.add) {
    values[':map'] = { [change.add[0]]: change.add[1] }
    sets.push('#s = :map')
  }
  if (change.expires !== undefined) {
    names['#exp'] = ATTR.expires
    values[':exp'] = change.expires
    sets.push('#exp = :exp')
  }
  const removes = change.remove.map((key, i) => {
    names[`#r${i}`] = key
    return `#s.#r${i}`
  })
  const update = [sets.length ? `SET ${sets.join(', ')}` : '', removes.length ? `REMOVE ${removes.join(', ')}` : '', 'ADD #v :one'].filter(Boolean).join(' ')
  return { Update: { TableName: table, Key: { id: index.key }, UpdateExpression: update, ConditionExpression: guard.condition, ExpressionAttributeNames: names, ExpressionAttributeValues: values } }
}

const entryFor = (session: StoredSession, user: SessionUser): IndexEntry => ({ c: session.createdAt, m: session.maxExpires, d: user.device, l: lineageOf(session) })

/**
 * The transaction items that list a freshly logged-in `session` in its user's index,
 * taking `replacedKey` out of it (a login from a session of the same user), dropping
 * entries past their deadline and ending the oldest sessions beyond the cap. Or, when
 * that is more than one write should carry, a trimming step to send first ('trim').
 */
export function loginIndexItems(
  target: UserIndexTarget,
  index: UserIndex,
  session: StoredSession,
  replacedKey: string | null,
  now: number,
): { readonly items: TransactItem[] } | { readonly trim: TransactItem[] } {
  const user = session.user!
  const dead = [...index.entries].filter(([k, e]) => e.m <= now && k !== replacedKey).map(([k]) => k)
  const live = [...index.entries].filter(([k, e]) => e.m > now && k !== replacedKey).sort(([, a], [, b]) => a.c - b.c)
  const evicted = live.slice(0, Math.max(0, live.length + 1 - target.maxSessionsPerUser)).map(([k]) => k)
  const guard = unchanged(index)
  if (dead.length + evicted.length > MAX_REMOVALS_PER_WRITE) {
    const dropped = dead.slice(0, MAX_REMOVALS_PER_WRITE)
    const ended = evicted.slice(0, MAX_REMOVALS_PER_WRITE - dropped.length)
    return { trim: [indexUpdate(index, { remove: [...dropped, ...ended] }, guard, target.table), ...deletes(target.table, ended)] }
  }
  // The index lives as long as the longest-lived session it lists, never less.
  const expires = Math.max(index.expires, session.maxExpires, ...live.filter(([k]) => !evicted.includes(k)).map(([, e]) => e.m))
  const remove = [...dead, ...evicted, ...(replacedKey && index.entries.has(replacedKey) ? [replacedKey] : [])]
  return { items: [indexUpdate(index, { add: [session.key, entryFor(session, user)], remove, expires }, guard, target.table), ...deletes(target.table, evicted)] }
}

/** The item that swaps a renewed session's keys in its user's index, only while the old key is listed. */
export async function renewalIndexItem(target: UserIndexTarget, session: StoredSession, oldKey: string): Promise<TransactItem> {
  const user = session.user!
  const key = await userIndexKey(user.id)
  return {
    Update: {
      TableName: target.table,
      Key: { id: key },
      UpdateExpression: 'SET #s.#new = :entry REMOVE #s.#old ADD #v :one',
      ConditionExpression: 'attribute_exists(#s.#old)',
      ExpressionAttributeNames: { '#s': ATTR.sessions, '#new': session.key, '#old': oldKey, '#v': ATTR.indexVersion },
      ExpressionAttributeValues: { ':entry': entryFor(session, user), ':one': 1 },
    },
  }
}

/** The items that revoke `keys` (at most MAX_REMOVALS_PER_WRITE): out of the index and deleted, while the index is at the version read. */
export function revocationItems(target: UserIndexTarget, index: UserIndex, keys: readonly string[]): TransactItem[] {
  return [indexUpdate(index, { remove: keys }, unchanged(index), target.table), ...deletes(target.table, keys)]
}

const deletes = (table: string, keys: readonly string[]): TransactItem[] => keys.map((id) => ({ Delete: { TableName: table, Key: { id } } }))

/** Takes a key that no longer holds a live session out of a user's index (after a logout, or a login as someone else). Best effort. */
export async function dropFromIndex(target: UserIndexTarget, userId: string, key: string): Promise<void> {
  const indexKey = await userIndexKey(userId)
  await target
    .send((o) =>
      target.client.send(
        new UpdateCommand({
          ReturnConsumedCapacity: 'TOTAL',
          TableName: target.table,
          Key: { id: indexKey },
          UpdateExpression: 'REMOVE #s.#k ADD #v :one',
          ConditionExpression: 'attribute_exists(#s.#k)',
          ExpressionAttributeNames: { '#s': ATTR.sessions, '#k': key, '#v': ATTR.indexVersion },
          ExpressionAttributeValues: { ':one': 1 },
        }),
        o,
      ),
    )
    // Not listed (any more): nothing to do. Any other failure leaves a stale entry, which
    // lists nothing (listing reads the sessions) and is dropped at the user's next login.
    .catch(() => {})
}

/**
 * The user's live sessions: the index, then the sessions themselves (a strongly
 * consistent batch read). A session renewed between the two reads shows up as its
 * old key's marker: the index is read again, so the listing misses no live session.
 */
export async function listUserSessions(target: UserIndexTarget, userId: string, now: number): Promise<UserSessionEntry[]> {
  for (let round = 0; ; round++) {
    const index = await readIndex(target, userId)
    const { found, moved } = await readSessions(target, [...index.entries.keys()], userId, now)
    if (!moved || round >= 4) return found
  }
}

async function readSessions(target: UserIndexTarget, keys: readonly string[], userId: string, now: number) {
  const found: UserSessionEntry[] = []
  let moved = false
  for (let i = 0; i < keys.length; i += 100) {
    let request: Record<string, { Keys: Record<string, unknown>[]; ConsistentRead: boolean }> | undefined = {
      [target.table]: { Keys: keys.slice(i, i + 100).map((id) => ({ id })), ConsistentRead: true },
    }
    for (let round = 0; request && Object.keys(request).length > 0 && round < 10; round++) {
      const out = await target.send((o) => target.client.send(new BatchGetCommand({ ReturnConsumedCapacity: 'TOTAL', RequestItems: request! }), o), 'read')
      for (const item of (out.Responses?.[target.table] ?? []) as Array<Record<string, unknown>>) {
        if (Number(item[ATTR.retiredUntil]) > now) moved = true
        const user = item[ATTR.user] as { id?: string; device?: string; lineage?: string } | undefined
        const expires = Number(item[ATTR.expires])
        const maxExpires = Number(item[ATTR.maxExpires])
        if (user?.id !== userId || !isLive({ expires, maxExpires }, now)) continue
        const key = String(item[ATTR.id])
        found.push({ key, createdAt: Number(item[ATTR.createdAt]), expires, device: String(user.device ?? ''), lineage: user.lineage ?? key })
      }
      request = out.UnprocessedKeys as typeof request
    }
  }
  return { found, moved }
}

/** Whether a cancelled transaction failed on the user index only (another identity change of the user raced it): worth another round. */
export function lostIndexRace(reasons: ReadonlyArray<{ Code?: string }> | undefined, firstIndexItem: number): boolean {
  if (!reasons) return false
  const failed = reasons.map((r, i) => [i, r.Code] as const).filter(([, code]) => code && code !== 'None')
  return failed.length > 0 && failed.every(([i, code]) => i >= firstIndexItem && (code === 'ConditionalCheckFailed' || code === 'TransactionConflict'))
}
