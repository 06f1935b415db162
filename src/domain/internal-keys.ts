import { SessionUsageError } from './errors.js'
import type { SessionData } from './session.js'
import { assertDataKey } from './session-values.js'

// Keys the session keeps for itself inside its data: flash messages. Living in the
// data map, they are saved with the request's other changes (no extra call) and
// follow every identity change. Handlers cannot name them, and never see them in
// get() or all().

const INTERNAL_PREFIX = '~'

/** A flash message's key inside the data. */
export const flashKey = (key: string): string => `${INTERNAL_PREFIX}flash:${key}`

/** A key a handler may use: a valid data key that is not one of the session's own. */
export function assertUserKey(key: unknown): asserts key is string {
  assertDataKey(key)
  if (key.startsWith(INTERNAL_PREFIX)) throw new SessionUsageError(`session keys starting with "${INTERNAL_PREFIX}" are reserved for the session itself; got "${key.slice(0, 20)}"`)
}

/** The data as handlers see it: without the session's own keys. */
export function userData(data: Readonly<SessionData>): SessionData {
  return Object.fromEntries(Object.entries(data).filter(([key]) => !key.startsWith(INTERNAL_PREFIX)))
}
