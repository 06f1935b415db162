import type { Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import {
  SessionConflictError,
  SessionRetiredError,
  SessionStoreUnavailableError,
  SessionTooLargeError,
  SessionUsageError,
} from '../domain/errors.js'

/** Seconds a client is asked to wait after a store outage. */
const RETRY_AFTER_SECONDS = 2

interface Answer {
  readonly status: ContentfulStatusCode
  readonly text: string
  readonly retryAfterSeconds?: number
}

/** The answer to each session error; null for errors that are not ours. */
function answerFor(error: unknown): Answer | null {
  if (error instanceof SessionStoreUnavailableError) {
    return { status: 503, text: 'Session store unavailable, please retry shortly.', retryAfterSeconds: RETRY_AFTER_SECONDS }
  }
  if (error instanceof SessionRetiredError) {
    // A request that raced a login with the pre-login cookie: no cookie goes out, so the
    // browser keeps the one the login just set; retried, it carries that one.
    return { status: 409, text: 'This session was just replaced by a login; nothing was saved, please retry.', retryAfterSeconds: 1 }
  }
  if (error instanceof SessionConflictError) {
    return { status: 409, text: 'The session was changed by another request; nothing was saved, please retry.' }
  }
  if (error instanceof SessionTooLargeError) return { status: 413, text: 'Session data too large; nothing was saved.' }
  if (error instanceof SessionUsageError) {
    // Values that reach the session usually come from the request (a form field, JSON).
    return { status: 400, text: `Session data refused: ${error.message.slice(0, 200)}; nothing was saved.` }
  }
  return null
}

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
  const answer = answerFor(error)
  if (!answer) return null
  c.set('sessionOutcome', 'failed')
  // Headers go on before the body: the answer is built from them.
  c.header('Cache-Control', 'no-store')
  if (answer.retryAfterSeconds !== undefined) c.header('Retry-After', String(answer.retryAfterSeconds))
  return c.text(answer.text, answer.status)
}
