import { SessionUsageError } from './errors.js'
import type { DeviceSession } from './session-api.js'
import type { SessionPolicy } from './session.js'
import { handleFor } from './session-handle.js'
import type { SessionRepository } from './session-repository.js'

/** Longest user id a session can be bound to. */
export const MAX_USER_ID_LENGTH = 256

export function assertUserId(userId: unknown): asserts userId is string {
  if (typeof userId !== 'string' || userId.length < 1 || userId.length > MAX_USER_ID_LENGTH) {
    throw new SessionUsageError(`a user id must be 1 to ${MAX_USER_ID_LENGTH} characters`)
  }
}

/** A user's live sessions as the user may see them, newest first. */
export async function deviceSessions(
  repository: SessionRepository,
  policy: SessionPolicy,
  userId: string,
  currentKey: string | null,
  now: number,
): Promise<Array<DeviceSession & { readonly key: string }>> {
  const entries = await repository.listUserSessions(userId, now)
  const sessions = await Promise.all(
    entries.map(async (entry) => ({
      key: entry.key,
      handle: await handleFor(entry.key),
      createdAt: entry.createdAt,
      // The idle deadline is set to "last write + TTL", so the last write is recovered without storing it.
      lastSeenAt: Math.max(entry.createdAt, entry.expires - policy.ttlSeconds),
      userAgent: entry.device,
      current: entry.key === currentKey,
    })),
  )
  return sessions.sort((a, b) => b.createdAt - a.createdAt)
}

/** The public part of a listed session (the storage key stays inside). */
export const withoutKey = ({ key: _key, ...session }: DeviceSession & { readonly key: string }): DeviceSession => session
