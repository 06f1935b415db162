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

/** What the user-session operations need from the request's session. */
export interface UserSessionsParts {
  readonly repository: SessionRepository
  readonly policy: SessionPolicy
  readonly nowSeconds: () => number
  readonly userId: () => Promise<string | null>
  /** The storage key of this request's session, when it is stored. */
  readonly currentKey: () => string | null
  /** Ends this request's session (its cookie too). */
  readonly endCurrent: () => Promise<void>
}

/** The bound user's sessions: listed, and revoked one, all but this one, or all. Each acts on the store at once. */
export class UserSessions {
  constructor(private readonly parts: UserSessionsParts) {}

  async list(): Promise<DeviceSession[]> {
    return (await this.#listed()).map(withoutKey)
  }

  async revoke(handle: string): Promise<boolean> {
    const target = (await this.#listed()).find((s) => s.handle === handle)
    if (!target) return false
    await this.parts.repository.revokeUserSessions((await this.parts.userId())!, [target.key], this.parts.nowSeconds())
    if (target.current) await this.parts.endCurrent()
    return true
  }

  async revokeOthers(): Promise<void> {
    const userId = await this.parts.userId()
    const others = (await this.#listed()).filter((s) => !s.current).map((s) => s.key)
    if (userId && others.length > 0) await this.parts.repository.revokeUserSessions(userId, others, this.parts.nowSeconds())
  }

  async revokeAll(): Promise<void> {
    const userId = await this.parts.userId()
    if (userId) await this.parts.repository.revokeUserSessions(userId, 'all', this.parts.nowSeconds())
    await this.parts.endCurrent()
  }

  async #listed() {
    const userId = await this.parts.userId()
    if (!userId) return []
    const { repository, policy, nowSeconds, currentKey } = this.parts
    return deviceSessions(repository, policy, userId, currentKey(), nowSeconds())
  }
}
