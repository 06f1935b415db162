import type { RequestSession } from './request-session.js'
import type { UntypedSession } from './session-api.js'

/**
 * What a handler gets as `c.var.session`: the Session API and nothing else. The unit of
 * work behind it (commit, abort, its state) stays with the middleware.
 */
export function sessionFacade(unit: RequestSession): UntypedSession {
  return Object.freeze({
    get isNew() {
      return unit.isNew
    },
    get: (key: string) => unit.get(key),
    all: () => unit.all(),
    set: (key: string, value: unknown) => unit.set(key, value),
    delete: (key: string) => unit.delete(key),
    increment: (field: string, by?: number) => unit.increment(field, by),
    regenerate: () => unit.regenerate(),
    destroy: () => unit.destroy(),
    login: (userId: string) => unit.login(userId),
    userId: () => unit.userId(),
    userSessions: () => unit.userSessions(),
    revokeSession: (handle: string) => unit.revokeSession(handle),
    revokeOtherSessions: () => unit.revokeOtherSessions(),
    logoutEverywhere: () => unit.logoutEverywhere(),
  }) as UntypedSession
}
