// The library's public surface: what `import ... from 'hono-dynamodb-session'` gives,
// one name per concept. The demo server (src/server) uses the library through this file
// only, as an application would; the contract suite for stores is the separate entry
// `hono-dynamodb-session/testing` (src/testing).

// The middleware, its options, and the session it gives handlers as `c.var.session`.
export { sessionMiddleware, type SessionEnv } from './http/session-middleware.js'
export { SESSION_DEFAULTS, type LegacyOptions, type SessionMiddlewareOptions } from './http/session-options.js'
export type { SameSite } from './http/session-cookie.js'
export type { Session, DeviceSession } from './domain/session-api.js'
export type { SessionOutcome } from './domain/commit-result.js'

// The rules the middleware checks its options by, for apps that check their configuration
// before wiring it (the demo server's environment parser does).
export { COOKIE_NAME_PATTERN, secretsProblem } from './http/session-options.js'

// What a session holds: JSON values, typed by a type argument or by a Standard Schema.
export type { JsonValue } from './domain/json-value.js'
export type { StandardSchema } from './domain/standard-schema.js'
export { MAX_KEY_LENGTH, MAX_VALUE_DEPTH } from './domain/session-values.js'

// Errors. Each answers for itself (getResponse(): 400, 409, 413 or 503), so Hono's default
// error handler needs no help; sessionErrorResponse gives the same answers to a custom onError.
export {
  SessionError,
  SessionConflictError,
  SessionRetiredError,
  SessionStoreUnavailableError,
  SessionTooLargeError,
  SessionUsageError,
} from './domain/errors.js'
export { sessionErrorResponse } from './http/session-errors.js'

// The stores this package ships.
export { MemorySessionRepository, type MemorySessionRepositoryOptions } from './adapters/memory-session-repository.js'
export { DynamoDbSessionRepository, type DynamoDbSessionRepositoryOptions } from './adapters/dynamodb-session-repository.js'
export { ensureSessionTable, SessionTableMissingError, type EnsureTableOptions } from './adapters/dynamodb-table.js'

// The port, for a store of your own: the interface and every type its methods take and
// return. Check it with `sessionRepositoryContract` from `hono-dynamodb-session/testing`.
export type {
  Increment,
  Replacement,
  Retirement,
  RevokeSelection,
  SessionChange,
  SessionRepository,
  StoreCost,
  UserSessionEntry,
} from './domain/session-repository.js'
export type { SessionData, SessionUser, StoredSession } from './domain/session.js'

// Moving from express-session with connect-dynamodb: where the old sessions are read from.
export { ConnectDynamoDbSessionSource, type ConnectDynamoDbSourceOptions } from './adapters/connect-dynamodb-source.js'
export type { LegacySessionSource } from './domain/legacy-session-source.js'

// OpenTelemetry (optional): pass `@opentelemetry/api` in; the library never imports it.
export { sessionTelemetry, type SessionTelemetryOptions } from './telemetry/session-telemetry.js'
export { instrumentRepository } from './telemetry/instrument-repository.js'
export { instrumentDynamoDbClient } from './telemetry/dynamodb-client-telemetry.js'
export type { IdentityChangeName, SessionOutcomeName, SessionTelemetry } from './domain/telemetry-port.js'
export type { OpenTelemetryApi, TelemetryOptions } from './telemetry/otel-types.js'
