// The library's public surface: what `import ... from 'hono-dynamodb-session'` gives.
// Everything else under src/ (the demo app, its config and entry points) is not part of it.

export {
  sessionMiddleware,
  SESSION_DEFAULTS,
  type SessionEnv,
  type SessionMiddlewareOptions,
} from './http/session-middleware.js'
export { sessionErrorResponse } from './http/session-errors.js'
export { createCookieSigner, type CookieSigner } from './http/cookie-signer.js'
export type { SameSite } from './http/session-cookie.js'

export type { Session, SessionOutcome } from './domain/request-session.js'
export type { SessionChange, Increment, SessionRepository } from './domain/session-repository.js'
export type { SessionData, StoredSession } from './domain/session.js'
export {
  SessionConflictError,
  SessionStoreUnavailableError,
  SessionTooLargeError,
  SessionUsageError,
} from './domain/errors.js'

export { MemorySessionRepository } from './adapters/memory-session-repository.js'
export {
  DynamoDbSessionRepository,
  type DynamoDbSessionRepositoryOptions,
} from './adapters/dynamodb-session-repository.js'
export { ensureSessionTable, SessionTableMissingError, type EnsureTableOptions } from './adapters/dynamodb-table.js'
export { ConnectDynamoDbSessionSource, type ConnectDynamoDbSourceOptions } from './adapters/connect-dynamodb-source.js'
export type { LegacySessionSource } from './domain/legacy-session-source.js'
export type { LegacyOptions } from './http/session-middleware.js'
