// A session store written by an application, against the package's public types only:
// several tenants share one store, each seeing only its own sessions. Storage keys,
// lineages and user ids are prefixed with the tenant's name on the way in and
// unprefixed on the way out; everything else passes through to the wrapped store.
import type {
  Increment,
  Replacement,
  RevokeSelection,
  SessionChange,
  SessionRepository,
  SessionUser,
  StoredSession,
  UserSessionEntry,
} from 'hono-dynamodb-session'

export class TenantStore implements SessionRepository {
  readonly #prefix: string

  constructor(
    private readonly inner: SessionRepository,
    tenant: string,
  ) {
    if (!/^[a-z0-9-]{1,32}$/.test(tenant)) throw new Error('TenantStore: tenant must be 1 to 32 lowercase letters, digits or -')
    this.#prefix = `${tenant}/`
  }

  load(key: string, now: number): Promise<StoredSession | null> {
    return this.inner.load(this.#in(key), now).then((s) => s && this.#sessionOut(s))
  }

  create(session: StoredSession): Promise<void> {
    return this.inner.create(this.#sessionIn(session))
  }

  update(key: string, change: SessionChange, now: number): Promise<number | null> {
    return this.inner.update(this.#in(key), change, now)
  }

  increment(key: string, field: string, by: number, expires: number, now: number): Promise<Increment | null> {
    return this.inner.increment(this.#in(key), field, by, expires, now)
  }

  replace(replacement: Replacement, now: number): Promise<'replaced' | 'changed' | 'gone'> {
    const { oldKey, session, oldUser } = replacement
    return this.inner.replace({ ...replacement, oldKey: this.#in(oldKey), session: this.#sessionIn(session), oldUser: oldUser && this.#userIn(oldUser) }, now)
  }

  async listUserSessions(userId: string, now: number): Promise<UserSessionEntry[]> {
    const entries = await this.inner.listUserSessions(this.#in(userId), now)
    return entries.map((entry) => ({ ...entry, key: this.#out(entry.key), lineage: this.#out(entry.lineage) }))
  }

  revokeUserSessions(userId: string, which: RevokeSelection, now: number): Promise<number> {
    const selection: RevokeSelection =
      which === 'all' ? 'all' : 'except' in which ? { except: this.#in(which.except) } : { only: which.only.map((lineage) => this.#in(lineage)) }
    return this.inner.revokeUserSessions(this.#in(userId), selection, now)
  }

  end(key: string, now: number): Promise<boolean> {
    return this.inner.end(this.#in(key), now)
  }

  #in(name: string): string {
    return this.#prefix + name
  }

  #out(name: string): string {
    if (!name.startsWith(this.#prefix)) throw new Error('TenantStore: the wrapped store returned another tenant\'s session')
    return name.slice(this.#prefix.length)
  }

  #userIn(user: SessionUser): SessionUser {
    return { ...user, id: this.#in(user.id), ...(user.lineage === undefined ? {} : { lineage: this.#in(user.lineage) }) }
  }

  #userOut(user: SessionUser): SessionUser {
    return { ...user, id: this.#out(user.id), ...(user.lineage === undefined ? {} : { lineage: this.#out(user.lineage) }) }
  }

  #sessionIn(session: StoredSession): StoredSession {
    return { ...session, key: this.#in(session.key), ...(session.user ? { user: this.#userIn(session.user) } : {}) }
  }

  #sessionOut(session: StoredSession): StoredSession {
    return { ...session, key: this.#out(session.key), ...(session.user ? { user: this.#userOut(session.user) } : {}) }
  }
}
