import { BatchGetCommand, DeleteCommand, GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { isLive, type SessionUser, type StoredSession } from '../domain/session.js'
import type { UserSessionEntry } from '../domain/session-repository.js'
import { ATTR, userIndexKey } from './dynamodb-item.js'
import type { Send } from './dynamodb-session-repository.js'

// A user's sessions, found without a Scan: one index item per user, `user:<hash of the
// user id>`, whose `sessions` map holds the storage key of each session bound to the
// user. Logins and renewals change it in the same transaction as the sessions
// themselves, so a strongly consistent read of it lists every login that has answered.

interface IndexEntry {
  readonly c: number
  readonly m: number
  readonly d: string
}

export interface UserIndexTarget {
  readonly client: DynamoDBDocumentClient
  readonly table: string
  readonly send: Send
  readonly maxSessionsPerUser: number
}

/** The index item's entries, read strongly; empty when the user has none. */
export async function readIndex(target: UserIndexTarget, userId: string): Promise<{ key: string; exists: boolean; entries: Map<string, IndexEntry> }> {
  const key = await userIndexKey(userId)
  const out = await target.send((o) =>
    target.client.send(new GetCommand({ ReturnConsumedCapacity: 'TOTAL', TableName: target.table, Key: { id: key }, ConsistentRead: true }), o),
  'read')
  const sessions = (out.Item?.[ATTR.sessions] ?? {}) as Record<string, IndexEntry>
  return { key, exists: out.Item !== undefined, entries: new Map(Object.entries(sessions)) }
}

type TransactItem = Record<string, unknown>

/**
 * The transaction items that put `session` into its user's index (and take `oldKey`
 * out of it, and out of the old user's index when that is another user), dropping
 * entries past their absolute deadline and ending the oldest sessions beyond the cap.
 */
export async function indexItems(
  target: UserIndexTarget,
  session: StoredSession,
  old: { readonly key: string; readonly user?: SessionUser | undefined } | null,
  now: number,
): Promise<TransactItem[]> {
  const items: TransactItem[] = []
  if (old?.user && old.user.id !== session.user?.id) {
    items.push({
      Update: {
        TableName: target.table,
        Key: { id: await userIndexKey(old.user.id) },
        UpdateExpression: 'REMOVE #s.#old',
        ExpressionAttributeNames: { '#s': ATTR.sessions, '#old': old.key },
      },
    })
  }
  const user = session.user
  if (!user) return items
  const index = await readIndex(target, user.id)
  const entry: IndexEntry = { c: session.createdAt, m: session.maxExpires, d: user.device }
  if (!index.exists) {
    items.push({
      Put: {
        TableName: target.table,
        Item: { id: index.key, [ATTR.sessions]: { [session.key]: entry }, [ATTR.expires]: session.maxExpires },
        ConditionExpression: 'attribute_not_exists(#id)',
        ExpressionAttributeNames: { '#id': ATTR.id },
      },
    })
    return items
  }
  const gone = new Set<string>([...index.entries].filter(([, e]) => e.m <= now).map(([k]) => k))
  if (old && old.user?.id === user.id) gone.add(old.key)
  const remaining = [...index.entries].filter(([k]) => !gone.has(k)).sort(([, a], [, b]) => a.c - b.c)
  const evicted = remaining.slice(0, Math.max(0, remaining.length + 1 - target.maxSessionsPerUser)).map(([k]) => k)
  for (const key of evicted) items.push({ Delete: { TableName: target.table, Key: { id: key } } })
  const names: Record<string, string> = { '#s': ATTR.sessions, '#new': session.key, '#exp': ATTR.expires }
  const removes = [...gone, ...evicted].map((key, i) => {
    names[`#r${i}`] = key
    return `#s.#r${i}`
  })
  items.push({
    Update: {
      TableName: target.table,
      Key: { id: index.key },
      UpdateExpression: `SET #s.#new = :entry, #exp = :exp${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
      ConditionExpression: 'attribute_exists(#s)',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: { ':entry': entry, ':exp': Math.max(session.maxExpires, now) },
    },
  })
  return items
}

/** The user's live sessions: the index, then the sessions themselves (a strongly consistent batch read). */
export async function listUserSessions(target: UserIndexTarget, userId: string, now: number): Promise<UserSessionEntry[]> {
  return (await listWithIndex(target, userId, now)).live
}

async function listWithIndex(target: UserIndexTarget, userId: string, now: number) {
  const index = await readIndex(target, userId)
  const keys = [...index.entries.keys()]
  const found: UserSessionEntry[] = []
  for (let i = 0; i < keys.length; i += 100) {
    let request: Record<string, { Keys: Record<string, unknown>[]; ConsistentRead: boolean }> | undefined = {
      [target.table]: { Keys: keys.slice(i, i + 100).map((id) => ({ id })), ConsistentRead: true },
    }
    while (request && Object.keys(request).length > 0) {
      const out = await target.send((o) => target.client.send(new BatchGetCommand({ ReturnConsumedCapacity: 'TOTAL', RequestItems: request! }), o), 'read')
      for (const item of (out.Responses?.[target.table] ?? []) as Array<Record<string, unknown>>) {
        const user = item[ATTR.user] as { id?: string; device?: string } | undefined
        const expires = Number(item[ATTR.expires])
        const maxExpires = Number(item[ATTR.maxExpires])
        if (user?.id !== userId || !isLive({ expires, maxExpires }, now)) continue
        found.push({ key: String(item[ATTR.id]), createdAt: Number(item[ATTR.createdAt]), expires, device: String(user.device ?? '') })
      }
      request = out.UnprocessedKeys as typeof request
    }
  }
  return { index, live: found }
}

/** Deletes the user's sessions named (or all in the index), then takes them out of the index. */
export async function revokeUserSessions(target: UserIndexTarget, userId: string, keys: readonly string[] | 'all', now: number): Promise<number> {
  const { index, live: sessions } = await listWithIndex(target, userId, now)
  const chosen = keys === 'all' ? [...index.entries.keys()] : keys.filter((k) => index.entries.has(k))
  const live = new Set(sessions.map((s) => s.key))
  for (let i = 0; i < chosen.length; i += 8) {
    await Promise.all(
      chosen.slice(i, i + 8).map((key) => target.send((o) => target.client.send(new DeleteCommand({ ReturnConsumedCapacity: 'TOTAL', TableName: target.table, Key: { id: key } }), o))),
    )
  }
  for (let i = 0; i < chosen.length; i += 100) {
    const names: Record<string, string> = { '#s': ATTR.sessions }
    const removes = chosen.slice(i, i + 100).map((key, j) => {
      names[`#r${j}`] = key
      return `#s.#r${j}`
    })
    await target.send((o) =>
      target.client.send(
        new UpdateCommand({ ReturnConsumedCapacity: 'TOTAL',
          TableName: target.table,
          Key: { id: index.key },
          UpdateExpression: `REMOVE ${removes.join(', ')}`,
          ConditionExpression: 'attribute_exists(#s)',
          ExpressionAttributeNames: names,
        }),
        o,
      ),
    ).catch(() => {}) // the sessions are gone already; a stale entry is dropped at the next login
  }
  return chosen.filter((k) => live.has(k)).length
}

/** Whether a cancelled transaction failed on the user index only (another login of the same user raced it): worth another round. */
export function lostIndexRace(reasons: ReadonlyArray<{ Code?: string }> | undefined, firstIndexItem: number): boolean {
  if (!reasons) return false
  const failed = reasons.map((r, i) => [i, r.Code] as const).filter(([, code]) => code && code !== 'None')
  return failed.length > 0 && failed.every(([i, code]) => i >= firstIndexItem && (code === 'ConditionalCheckFailed' || code === 'TransactionConflict'))
}
