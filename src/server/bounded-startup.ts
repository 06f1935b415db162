// Start-up work (the table check) for an entry that cannot wait for it, such as
// Lambda: each wait is bounded, a failure is retried on a later call.

export interface StartupLogger {
  info(message: string): void
  error(fields: Record<string, unknown>, message: string): void
}

export interface BoundedStartup {
  /**
   * True once start-up has succeeded. Otherwise starts it (or joins the attempt
   * still running) and waits at most the deadline: false when it failed or is
   * not done by then. Never rejects.
   */
  ready(): Promise<boolean>
}

export function boundedStartup(prepare: () => Promise<string>, deadlineMs: number, logger: StartupLogger): BoundedStartup {
  let done = false
  let attempt: Promise<boolean> | undefined
  const begin = () =>
    prepare().then(
      (message) => {
        done = true
        logger.info(message)
        return true
      },
      (error: unknown) => {
        // Not kept: the next call starts over.
        attempt = undefined
        logger.error({ err: { name: (error as Error)?.name, message: (error as Error)?.message } }, 'session store not usable yet; start-up retried on the next request')
        return false
      },
    )
  return {
    async ready() {
      if (done) return true
      attempt ??= begin()
      let timer: ReturnType<typeof setTimeout> | undefined
      const deadline = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), deadlineMs)))
      try {
        return await Promise.race([attempt, deadline])
      } finally {
        clearTimeout(timer)
      }
    },
  }
}
