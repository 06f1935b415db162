import { SessionUsageError } from './errors.js'
import type { DeviceSession } from './session-api.js'
import type { SessionPolicy } from './session.js'
import { handleFor } from './session-handle.js'
import type { RevokeSelection, SessionRepository } from './session-repository.js'
import type { SessionTelemetry } from './telemetry-port.js'

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
  currentLineage: string | null,
  now: number,
): Promise<Array<DeviceSession & { readonly lineage: string }>> {
  const entries = await repository.listUserSessions(userId, now)
  const sessions = await Promise.all(
    entries.map(async (entry) => ({
      lineage: entry.lineage,
      // Named by lineage, so a device keeps its handle across renewals.
      handle: await handleFor(entry.lineage),
      createdAt: entry.createdAt,
      // The idle deadline is set to "last write + TTL", so the last write is recovered without storing it.
      lastSeenAt: Math.max(entry.createdAt, entry.expires - policy.ttlSeconds),
      userAgent: entry.device,
      current: entry.lineage === currentLineage,
    })),
  )
  return sessions.sort((a, b) => b.createdAt - a.createdAt)
}

/** The public part of a listed session (the lineage, a storage key, stays inside). */
export const withoutLineage = ({ lineage: _lineage, ...session }: DeviceSession & { readonly lineage: string }): DeviceSession => session

/** What the user-session operations need from the request's session. */
export interface UserSessionsParts {
  readonly repository: SessionRepository
  readonly policy: SessionPolicy
  readonly nowSeconds: () => number
  /** The bound user and the lineage of this request's session, or null when it is not bound. */
  readonly binding: () => Promise<{ readonly userId: string; readonly lineage: string } | null>
  /** Ends this request's session (its cookie too). */
  readonly endCurrent: () => Promise<void>
  readonly telemetry: SessionTelemetry
}

/**
 * The bound user's sessions: listed, and revoked one, all but this one, or all. Each
 * acts on the store at once, by lineage, so a session renewed meanwhile is ended
 * under its new id.
 */
export class UserSessions {
  constructor(private readonly parts: UserSessionsParts) {}

  async list(): Promise<DeviceSession[]> {
    const binding = await this.parts.binding()
    return binding ? (await this.#listed(binding)).map(withoutLineage) : []
  }

  async revoke(handle: string): Promise<boolean> {
    const binding = await this.parts.binding()
    if (!binding) return false
    const target = (await this.#listed(binding)).find((s) => s.handle === handle)
    if (!target) return false
    await this.#revoke(binding.userId, { only: [target.lineage] })
    if (target.current) await this.parts.endCurrent()
    return true
  }

  async revokeOthers(): Promise<void> {
    const binding = await this.parts.binding()
    if (binding) await this.#revoke(binding.userId, { except: binding.lineage })
  }

  async revokeAll(): Promise<void> {
    const binding = await this.parts.binding()
    if (binding) await this.#revoke(binding.userId, 'all')
    await this.parts.endCurrent()
  }

  #revoke(userId: string, which: RevokeSelection): Promise<number> {
    return this.parts.telemetry.identityChange('revocation', () => this.parts.repository.revokeUserSessions(userId, which, this.parts.nowSeconds()))
  }

  #listed(binding: { readonly userId: string; readonly lineage: string }) {
    const { repository, policy, nowSeconds } = this.parts
    return deviceSessions(repository, policy, binding.userId, binding.lineage, nowSeconds())
  }
}
