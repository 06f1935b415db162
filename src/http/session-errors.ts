import type { Context } from 'hono'
import {
  SessionConflictError,
  SessionRetiredError,
  SessionStoreUnavailableError,
  SessionTooLargeError,
  SessionUsageError,
} from '../domain/errors.js'

/** Seconds a client is asked to wait after a store outage. */
const RETRY_AFTER_SECONDS = 2

/**
 * The response for a session error, or null when the error is not one of ours: the
 * one mapping from session failures to HTTP answers. The middleware uses it for
 * failures while saving; use it in `app.onError` so failures inside handlers get
 * the same answers. A request answered this way saved nothing of its session changes.
 *
 * @example
 *   app.onError((error, c) => sessionErrorResponse(error, c) ?? c.text('Internal Server Error', 500))
 */
export function sessionErrorResponse(error: unknown, c: Context): Response | null {
  if (!isSessionError(error)) return null
  c.set('sessionOutcome', 'failed')
  // Headers go on before the body: the answer is built from them.
  c.header('Cache-Control', 'no-store')
  return responseFor(error, c)
}

const isSessionError = (error: unknown): boolean =>
  error instanceof SessionStoreUnavailableError ||
  error instanceof SessionRetiredError ||
  error instanceof SessionConflictError ||
  error instanceof SessionTooLargeError ||
  error instanceof SessionUsageError

function responseFor(error: unknown, c: Context): Response | null {
  if (error instanceof SessionStoreUnavailableError) {
    c.header('Retry-After', String(RETRY_AFTER_SECONDS))
    return c.text('Session store unavailable, please retry shortly.', 503)
  }
  if (error instanceof SessionRetiredError) {
    // A request that raced a login with the pre-login cookie: no cookie goes out, so the
    // browser keeps the one the login just set; retried, it carries that one.
    c.header('Retry-After', '1')
    return c.text('This session was just replaced by a login; nothing was saved, please retry.', 409)
  }
  if (error instanceof SessionConflictError) {
    return c.text('The session was changed by another request; nothing was saved, please retry.', 409)
  }
  if (error instanceof SessionTooLargeError) {
    return c.text('Session data too large; nothing was saved.', 413)
  }
  if (error instanceof SessionUsageError) {
    // Values that reach the session usually come from the request (a form field, JSON).
    return c.text(`Session data refused: ${error.message.slice(0, 200)}; nothing was saved.`, 400)
  }
  return null
}
