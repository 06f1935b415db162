// The session errors, each with the HTTP answer it gets. Hono's default error handler
// answers any error that has getResponse() with that response, so an app needs no
// onError for them; sessionErrorResponse (src/http) gives the same answers to a custom
// one. The answers are built from the Web Response alone, so the domain stays free of
// any framework.

/** How a session error is answered: the one table of statuses and texts is its subclasses. */
interface Answer {
  readonly status: 400 | 409 | 413 | 503
  readonly text: string
  /** Seconds the client is asked to wait before retrying (Retry-After). */
  readonly retryAfterSeconds?: number
}

/** Seconds a client is asked to wait after a store outage. */
const RETRY_AFTER_OUTAGE_SECONDS = 2

/** What every session error has: a name, a cause, and the HTTP answer for a request it ends. */
export abstract class SessionError extends Error {
  /** The answer; a request answered this way saved nothing of its session changes. */
  protected abstract answer(): Answer

  /** The HTTP status this error is answered with. */
  get status(): number {
    return this.answer().status
  }

  /** A plain-text answer, never stored by caches; what Hono's default error handler sends. */
  getResponse(): Response {
    const answer = this.answer()
    const headers = new Headers({ 'Content-Type': 'text/plain; charset=UTF-8', 'Cache-Control': 'no-store' })
    if (answer.retryAfterSeconds !== undefined) headers.set('Retry-After', String(answer.retryAfterSeconds))
    return new Response(answer.text, { status: answer.status, headers })
  }
}

/** The store could not be reached or did not answer in time. Retrying later may work. */
export class SessionStoreUnavailableError extends SessionError {
  override readonly name = 'SessionStoreUnavailableError'
  constructor(message = 'The session store is unavailable', options?: { cause?: unknown }) {
    super(message, options)
  }
  protected answer(): Answer {
    return { status: 503, text: 'Session store unavailable, please retry shortly.', retryAfterSeconds: RETRY_AFTER_OUTAGE_SECONDS }
  }
}

/**
 * A write lost a race: the stored session changed since it was read, in a way
 * that touches what this write changes.
 */
export class SessionConflictError extends SessionError {
  override readonly name = 'SessionConflictError'
  constructor(message = 'The session was changed by another request', options?: { cause?: unknown }) {
    super(message, options)
  }
  protected answer(): Answer {
    return { status: 409, text: 'The session was changed by another request; nothing was saved, please retry.' }
  }
}

/** The session would grow past the configured size limit; nothing was written. */
export class SessionTooLargeError extends SessionError {
  override readonly name = 'SessionTooLargeError'
  constructor(
    readonly size: number,
    readonly limit: number,
  ) {
    super(`Session data of ${size} bytes exceeds the limit of ${limit} bytes`)
  }
  protected answer(): Answer {
    return { status: 413, text: 'Session data too large; nothing was saved.' }
  }
}

/** A session operation was used wrongly: a bad key, a value that is not JSON, or incrementing a non-number. */
export class SessionUsageError extends SessionError {
  override readonly name = 'SessionUsageError'
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
  }
  protected answer(): Answer {
    // Values that reach the session usually come from the request (a form field, JSON).
    return { status: 400, text: `Session data refused: ${this.message.slice(0, 200)}; nothing was saved.` }
  }
}

/**
 * The id was retired moments ago (a login or a renewal replaced it) and is within
 * its grace window. `forward`, when present, is the successor's id sealed with a key
 * only the old id's holder can derive (a renewal); a login leaves none.
 */
export class SessionRetiredError extends SessionError {
  override readonly name = 'SessionRetiredError'
  constructor(readonly forward?: string) {
    super('This session id was just replaced by another request')
  }
  protected answer(): Answer {
    // A request that raced a login with the pre-login cookie: no cookie goes out, so the
    // browser keeps the one the login just set; retried, it carries that one.
    return { status: 409, text: 'This session was just replaced by a login; nothing was saved, please retry.', retryAfterSeconds: 1 }
  }
}
