import type { Context } from 'hono'
import { SessionError } from '../domain/errors.js'

/**
 * The response for a session error, or null when the error is not one of ours. The
 * answers are the errors' own (`getResponse()`), which Hono's default error handler
 * already sends, so an app without `onError` needs nothing; a custom `onError` calls
 * this to give the same answers and to mark the request's session outcome as failed.
 * A request answered this way saved nothing of its session changes.
 *
 * @example
 *   app.onError((error, c) => sessionErrorResponse(error, c) ?? c.text('Internal Server Error', 500))
 */
export function sessionErrorResponse(error: unknown, c: Context): Response | null {
  if (!(error instanceof SessionError)) return null
  c.set('sessionOutcome', 'failed')
  const answer = error.getResponse()
  // As Hono's default handler does: headers the handler set before failing are kept.
  return c.newResponse(answer.body, answer)
}
