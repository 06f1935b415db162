import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb'
import { SessionStoreUnavailableError, SessionTooLargeError, SessionUsageError } from '../domain/errors.js'
import { itemIsLive } from './dynamodb-item.js'
import { WriteOutcomeUnknownError } from './dynamodb-retries.js'

/** DynamoDB's largest item, in bytes. */
const MAX_ITEM_BYTES = 400 * 1024

/** An SDK failure as a domain error; a failed condition is left for the caller to read. */
export function translateError(error: unknown): unknown {
  if (error instanceof ConditionalCheckFailedException) return error
  if (error instanceof WriteOutcomeUnknownError) {
    return new SessionStoreUnavailableError('The session store did not confirm a write; it may or may not have been applied', { cause: error })
  }
  const name = (error as { name?: string })?.name
  const message = String((error as { message?: string })?.message ?? '')
  if (name === 'ValidationException') {
    if (/item size/i.test(message)) return new SessionTooLargeError(Number.NaN, MAX_ITEM_BYTES)
    if (/incorrect (data|operand) type|operand type/i.test(message)) {
      return new SessionUsageError('incremented a session field that is not a number', { cause: error })
    }
    return error
  }
  if (isOutage(error)) {
    return new SessionStoreUnavailableError(`The session store is unavailable (${name ?? 'error'})`, { cause: error })
  }
  return error
}

/**
 * Whether DynamoDB failed to serve the call: any answer from the service (throttling,
 * 5xx, a missing table, refused credentials), a network failure or our deadline.
 * Everything else (a bug in what we sent) stays a plain error.
 */
function isOutage(error: unknown): boolean {
  const e = error as { $metadata?: unknown; name?: string; code?: string }
  if (e?.$metadata !== undefined) return true
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return true
  return typeof e?.code === 'string' && /^(E[A-Z]+|UND_ERR)/.test(e.code)
}

/** Whether a failed condition found a live item (so it was a conflict, not a missing session). */
export function failedOnLiveItem(error: ConditionalCheckFailedException, now: number): boolean {
  // The failure carries the old item in raw attribute-value form.
  return itemIsLive(error.Item, now)
}
