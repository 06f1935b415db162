import type { Replacement, RevokeSelection, SessionRepository, SessionChange } from '../domain/session-repository.js'
import type { StoredSession } from '../domain/session.js'

export type StoreOperation = 'load' | 'create' | 'update' | 'increment' | 'replace' | 'end' | 'listUserSessions' | 'revokeUserSessions'

/** A real repository with every call recorded, to prove which requests reach the store. */
export class CountingRepository implements SessionRepository {
  readonly calls: { op: StoreOperation; key: string }[] = []

  constructor(readonly inner: SessionRepository) {}

  /** Operations other than creating a new session: the ones a forged cookie must never cause. */
  readsAndChanges(): { op: StoreOperation; key: string }[] {
    return this.calls.filter((c) => c.op !== 'create')
  }

  reset(): void {
    this.calls.length = 0
  }

  load(key: string, now: number) {
    this.calls.push({ op: 'load', key })
    return this.inner.load(key, now)
  }
  create(session: StoredSession) {
    this.calls.push({ op: 'create', key: session.key })
    return this.inner.create(session)
  }
  update(key: string, change: SessionChange, now: number) {
    this.calls.push({ op: 'update', key })
    return this.inner.update(key, change, now)
  }
  increment(key: string, field: string, by: number, expires: number, now: number) {
    this.calls.push({ op: 'increment', key })
    return this.inner.increment(key, field, by, expires, now)
  }
  replace(replacement: Replacement, now: number) {
    this.calls.push({ op: 'replace', key: replacement.oldKey })
    return this.inner.replace(replacement, now)
  }
  listUserSessions(userId: string, now: number) {
    this.calls.push({ op: 'listUserSessions', key: userId })
    return this.inner.listUserSessions(userId, now)
  }
  revokeUserSessions(userId: string, which: RevokeSelection, now: number) {
    this.calls.push({ op: 'revokeUserSessions', key: userId })
    return this.inner.revokeUserSessions(userId, which, now)
  }
  end(key: string, now: number) {
    this.calls.push({ op: 'end', key })
    return this.inner.end(key, now)
  }
}
