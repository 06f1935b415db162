import type { SessionOutcome } from '../domain/commit-result.js'
import type { SessionOutcomeName } from '../domain/telemetry-port.js'
import {
  SessionConflictError,
  SessionRetiredError,
  SessionStoreUnavailableError,
  SessionTooLargeError,
  SessionUsageError,
} from '../domain/errors.js'

// Attribute and metric names. Database ones are the OpenTelemetry semantic conventions
// for database client calls and for DynamoDB; the `session.*` ones are this library's.
// Nothing here ever carries a session id, a storage key, a user id or a cookie: only
// names of operations, outcomes, error classes and tables.

export const ATTR_DB_SYSTEM_NAME = 'db.system.name'
export const ATTR_DB_OPERATION_NAME = 'db.operation.name'
export const ATTR_ERROR_TYPE = 'error.type'
export const ATTR_RPC_SYSTEM = 'rpc.system'
export const ATTR_RPC_SERVICE = 'rpc.service'
export const ATTR_RPC_METHOD = 'rpc.method'
export const ATTR_AWS_REQUEST_ID = 'aws.request_id'
export const ATTR_DYNAMODB_TABLE_NAMES = 'aws.dynamodb.table_names'
export const ATTR_DYNAMODB_CONSUMED_CAPACITY = 'aws.dynamodb.consumed_capacity'
export const DB_SYSTEM_DYNAMODB = 'aws.dynamodb'

export const ATTR_SESSION_OUTCOME = 'session.outcome'
export const ATTR_SESSION_IDENTITY_CHANGE = 'session.identity.change'

export const METRIC_REQUESTS = 'session.requests'
export const METRIC_CONFLICTS = 'session.conflicts'
export const METRIC_UPDATE_RETRIES = 'session.update.retries'
export const METRIC_IDENTITY_CHANGES = 'session.identity.changes'
export const METRIC_STORE_DURATION = 'session.store.operation.duration'
export const METRIC_CAPACITY_READ = 'session.store.capacity.read'
export const METRIC_CAPACITY_WRITE = 'session.store.capacity.write'
/** The semantic conventions' own histogram, for each DynamoDB call (see dynamodb-client-telemetry.ts). */
export const METRIC_DB_CLIENT_DURATION = 'db.client.operation.duration'

/** The semantic conventions' advice for database call durations, in seconds. */
export const DURATION_BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10]

/** The outcome a session error stands for; errors that are not the session's are 'failed'. */
export function outcomeFromError(error: unknown): SessionOutcomeName {
  if (error instanceof SessionConflictError) return 'conflict'
  if (error instanceof SessionRetiredError) return 'retired'
  if (error instanceof SessionStoreUnavailableError) return 'store_unavailable'
  if (error instanceof SessionTooLargeError || error instanceof SessionUsageError) return 'rejected'
  return 'failed'
}

const FROM_COMMIT: Readonly<Record<SessionOutcome, SessionOutcomeName>> = {
  untouched: 'untouched',
  loaded: 'read',
  new: 'saved',
  written: 'saved',
  destroyed: 'ended',
  failed: 'failed',
}

/** The outcome of a commit that returned, in telemetry's terms. */
export function outcomeFromCommit(outcome: SessionOutcome): SessionOutcomeName {
  return FROM_COMMIT[outcome]
}

/**
 * An error's class name, the low-cardinality `error.type` the conventions ask for, never
 * its message (which may quote stored values). A plain Error with a system code, as
 * Node's sockets throw, is named by the code (ECONNREFUSED), which says more.
 */
export function errorType(error: unknown): string {
  const { name, code } = (error ?? {}) as { name?: unknown; code?: unknown }
  if (name === 'Error' && typeof code === 'string' && /^[A-Z][A-Z0-9_]{1,40}$/.test(code)) return code
  return typeof name === 'string' && name !== '' ? name : '_OTHER'
}
