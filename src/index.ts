// The library's public surface: what `import ... from 'hono-dynamodb-session'` gives.
// The demo server (src/server) is not part of it.

export { sessionMiddleware, type SessionEnv } from './http/session-middleware.js'
export {
  SESSION_DEFAULTS,
  type LegacyOptions,
  type SessionMiddlewareOptions,
} from './http/session-options.js'
export { sessionErrorResponse } from './http/session-errors.js'
export { createCookieSigner, type CookieSigner } from './http/cookie-signer.js'
export type { SameSite } from './http/session-cookie.js'

export type { Session, TypedSession, UntypedSession, UntypedSessionData, NumericKey } from './domain/session-api.js'
export type { SessionOutcome } from './domain/commit-result.js'
export type { StandardSchema } from './domain/standard-schema.js'
export type { JsonValue } from './domain/json-value.js'
export type { SessionChange, Increment, SessionRepository } from './domain/session-repository.js'
export type { SessionData, StoredSession } from './domain/session.js'
export { MAX_KEY_LENGTH, MAX_VALUE_DEPTH } from './domain/session-values.js'
export {
  SessionConflictError,
  SessionStoreUnavailableError,
  SessionTooLargeError,
  SessionUsageError,
} from './domain/errors.js'

export { MemorySessionRepository, type MemorySessionRepositoryOptions } from './adapters/memory-session-repository.js'
export {
  DynamoDbSessionRepository,
  type DynamoDbSessionRepositoryOptions,
} from './adapters/dynamodb-session-repository.js'
export { ensureSessionTable, SessionTableMissingError, type EnsureTableOptions } from './adapters/dynamodb-table.js'
export { ConnectDynamoDbSessionSource, type ConnectDynamoDbSourceOptions } from './adapters/connect-dynamodb-source.js'
export type { LegacySessionSource } from './domain/legacy-session-source.js'

// OpenTelemetry (optional): pass `@opentelemetry/api` in; the library never imports it.
export { sessionTelemetry, type SessionTelemetryOptions } from './telemetry/session-telemetry.js'
export { instrumentRepository } from './telemetry/instrument-repository.js'
export { instrumentDynamoDbClient } from './telemetry/dynamodb-client-telemetry.js'
export type { IdentityChangeName, SessionOutcomeName, SessionTelemetry } from './domain/telemetry-port.js'
export type { OpenTelemetryApi, TelemetryOptions } from './telemetry/otel-types.js'
