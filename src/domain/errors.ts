/** The store could not be reached or did not answer in time. Retrying later may work. */
export class SessionStoreUnavailableError extends Error {
  override readonly name = 'SessionStoreUnavailableError'
  constructor(message = 'The session store is unavailable', options?: { cause?: unknown }) {
    super(message, options)
  }
}

/**
 * A write lost a race: the stored session changed since it was read, in a way
 * that touches what this write changes.
 */
export class SessionConflictError extends Error {
  override readonly name = 'SessionConflictError'
  constructor(message = 'The session was changed by another request', options?: { cause?: unknown }) {
    super(message, options)
  }
}

/** The session would grow past the configured size limit; nothing was written. */
export class SessionTooLargeError extends Error {
  override readonly name = 'SessionTooLargeError'
  constructor(
    readonly size: number,
    readonly limit: number,
  ) {
    super(`Session data of ${size} bytes exceeds the limit of ${limit} bytes`)
  }
}

/** A session operation was used wrongly: a bad key, or incrementing a non-number. */
export class SessionUsageError extends Error {
  override readonly name = 'SessionUsageError'
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
  }
}

/**
 * The id was retired moments ago (a login or a renewal replaced it) and is within
 * its grace window. `forward`, when present, is the successor's id sealed with a key
 * only the old id's holder can derive (a renewal); a login leaves none.
 */
export class SessionRetiredError extends Error {
  override readonly name = 'SessionRetiredError'
  constructor(readonly forward?: string) {
    super('This session id was just replaced by another request')
  }
}
