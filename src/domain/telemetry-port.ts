import type { StoreCost } from '../domain/session-repository.js'

// What the session code reports to telemetry, in the session's own words, with a
// do-nothing default. Nothing here knows OpenTelemetry (session-telemetry.ts does), so
// this file can live in the domain when the domain reports through it: the layering
// rules let src/domain import only src/domain.

/**
 * How a request's session work ended, as counted and put on spans:
 * - untouched: the handler never used the session;
 * - read: loaded, nothing written;
 * - saved: written (a new session included);
 * - ended: destroyed (logout, revocation of the current session);
 * - conflict: a write lost a race (409);
 * - retired: the cookie's id was replaced moments ago by another request (409);
 * - store_unavailable: the store did not answer (503);
 * - rejected: the request asked for something the session refuses (too large, bad use);
 * - failed: anything else (the handler threw, an unknown error).
 */
export type SessionOutcomeName =
  | 'untouched'
  | 'read'
  | 'saved'
  | 'ended'
  | 'conflict'
  | 'retired'
  | 'store_unavailable'
  | 'rejected'
  | 'failed'

export const SESSION_OUTCOMES: readonly SessionOutcomeName[] = [
  'untouched',
  'read',
  'saved',
  'ended',
  'conflict',
  'retired',
  'store_unavailable',
  'rejected',
  'failed',
]

/** The identity changes that get a span and a count. */
export type IdentityChangeName = 'login' | 'renewal' | 'logout' | 'revocation'

export const IDENTITY_CHANGES: readonly IdentityChangeName[] = ['login', 'renewal', 'logout', 'revocation']

/**
 * What the session code reports. Every method that takes `work` runs it inside a
 * span (made the active one, so store calls and SDK calls made by `work` nest under
 * it) and returns what it returns, or throws what it throws. No method is ever given
 * an id, a key, a user or a cookie, so none can leak into an attribute.
 */
export interface SessionTelemetry {
  /** False for NO_TELEMETRY: a caller may then skip wrapping anything. */
  readonly enabled: boolean
  /** `session.load`: reading the request's session from the store. */
  load<T>(work: () => Promise<T>): Promise<T>
  /**
   * `session.save`: writing the request's changes after the handler. The span gets
   * `session.outcome`: `outcomeOf(result)` when it returns ('saved' without it), or
   * the error's outcome when it throws.
   */
  save<T>(work: () => Promise<T>, outcomeOf?: (result: T) => SessionOutcomeName): Promise<T>
  /** `session.login`, `session.renewal`, `session.logout`, `session.revocation`, each counted once it succeeds. */
  identityChange<T>(change: IdentityChangeName, work: () => Promise<T>): Promise<T>
  /** `session.store.<operation>`: one call to the store, timed in `session.store.operation.duration`. */
  storeCall<T>(operation: string, work: () => Promise<T>): Promise<T>
  /** A store write lost a race (counted in `session.conflicts` by operation). */
  conflict(operation: string): void
  /** `update()` read again and re-applied its function after a conflict. */
  updateRetried(): void
  /** Once per request that had the session middleware: its outcome, and what the store charged. */
  requestEnded(outcome: SessionOutcomeName, cost?: StoreCost): void
}

/** The telemetry of a middleware given none: every method just runs `work`; nothing is allocated. */
export const NO_TELEMETRY: SessionTelemetry = Object.freeze({
  enabled: false,
  load: (work) => work(),
  save: (work) => work(),
  identityChange: (_change, work) => work(),
  storeCall: (_operation, work) => work(),
  conflict: () => {},
  updateRetried: () => {},
  requestEnded: () => {},
} satisfies SessionTelemetry)
