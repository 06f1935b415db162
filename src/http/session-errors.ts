import type { Context } from 'hono'
import {
  SessionConflictError,
  SessionStoreUnavailableError,
  SessionTooLargeError,
} from '../domain/errors.js'

/** Seconds a client is asked to wait after a store outage. */
const RETRY_AFTER_SECONDS = 2

/**
 * The response for a session error, or null when the error is not one of ours.
 * Use it in `app.onError` so failures inside handlers get the same answers as
 * failures while saving.
 */
export function sessionErrorResponse(error: unknown, c: Context): Response | null {
  if (error instanceof SessionStoreUnavailableError) {
    c.header('Retry-After', String(RETRY_AFTER_SECONDS))
    c.header('Cache-Control', 'no-store')
    return c.text('Session store unavailable, please retry shortly.', 503)
  }
  if (error instanceof SessionConflictError) {
    return c.text('The session was changed by another request; please retry.', 409)
  }
  if (error instanceof SessionTooLargeError) {
    return c.text('Session data too large; nothing was saved.', 413)
  }
  return null
}
