// Which calls the SDK may send again. A retry is safe when the first attempt cannot
// have been applied (DynamoDB throttled it, or the connection never opened), or when
// the call is idempotent (reads, DeleteItem, a transaction with a ClientRequestToken).
// A non-idempotent write whose outcome is unknown (a timeout, a reset connection, a
// lost reply, a 5xx after it was sent) is not sent again: applied once it may have
// been, applied twice it must not be. It fails with WriteOutcomeUnknownError, which
// the repository answers as a store outage (503).

/** A write was sent and its reply never came (or came as a server error): it may or may not have been applied. */
export class WriteOutcomeUnknownError extends Error {
  override readonly name = 'WriteOutcomeUnknownError'
  /**
   * What the SDK reported. Kept out of `cause` on purpose: the SDK's retry rules look
   * through `cause`, and would retry this call after all.
   */
  readonly reported: unknown
  constructor(reported: unknown) {
    super(`The outcome of a session write is unknown (${(reported as Error)?.name ?? 'error'}); it was not retried`)
    this.reported = reported
  }
}

/** Errors that prove nothing reached DynamoDB: the connection was refused or never resolved. */
const NEVER_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH'])

/** Whether a failed attempt may have been applied. DynamoDB's own 4xx answers (throttling included) were not. */
export function outcomeUnknown(error: unknown): boolean {
  const e = error as { name?: string; code?: string; $metadata?: { httpStatusCode?: number } }
  if (e?.name === 'AbortError') return false // our own deadline: the SDK does not retry it anyway
  const status = e?.$metadata?.httpStatusCode
  if (status !== undefined) return status >= 500
  if (typeof e?.code === 'string' && NEVER_CONNECTED.has(e.code)) return false
  return true
}

interface WithMiddleware {
  readonly middlewareStack: { add(middleware: unknown, options: Record<string, unknown>): void }
}

type Next = (args: unknown) => Promise<unknown>

/**
 * Marks a non-idempotent write so that an attempt with an unknown outcome ends the
 * call instead of being retried. The check sits inside the SDK's retry loop (late in
 * its finalize step), so throttling and refused connections are still retried.
 */
export function notRetriedWhenUnknown<C extends WithMiddleware>(command: C): C {
  command.middlewareStack.add(
    (next: Next) => async (args: unknown) => {
      try {
        return await next(args)
      } catch (error) {
        throw outcomeUnknown(error) ? new WriteOutcomeUnknownError(error) : error
      }
    },
    { step: 'finalizeRequest', priority: 'low', name: 'sessionWriteNotRetriedWhenUnknown', override: true },
  )
  return command
}
