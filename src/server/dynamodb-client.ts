import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb'
import { NodeHttpHandler } from '@smithy/node-http-handler'
import type { FinalizeRequestMiddleware, HttpHandlerOptions } from '@smithy/types'

/**
 * The mark the library's DynamoDB store sets on writes that must not be sent twice when
 * their outcome is unknown. A registered symbol, so the demo reads it without reaching
 * into the library's internals.
 */
const NOT_RETRIED_WHEN_UNKNOWN = Symbol.for('hono-dynamodb-session.notRetriedWhenUnknown')

export interface DynamoDbClientSettings {
  /** e.g. http://localhost:8000 for DynamoDB Local; absent means AWS itself. */
  readonly endpoint?: string | undefined
  readonly region?: string | undefined
  /** Deadline for one HTTP attempt, in milliseconds. */
  readonly timeoutMs: number
  /** AWS credentials are in the environment; without them a local endpoint gets dummy ones. */
  readonly hasAccessKey?: boolean
}

/**
 * Builds the SDK clients with short timeouts: an unreachable DynamoDB must turn
 * into a quick 503, not a request hanging for the SDK's default of minutes.
 * Against a local endpoint without AWS credentials in the environment, dummy
 * credentials are used (DynamoDB Local accepts any), which also stops the SDK
 * from probing instance metadata.
 */
export function createDynamoDbClient(settings: DynamoDbClientSettings): DynamoDBClient {
  const local = settings.endpoint !== undefined
  return new LeanDynamoDbClient({
    ...(local ? { endpoint: settings.endpoint } : {}),
    region: settings.region ?? (local ? 'us-east-1' : undefined),
    ...(local && !settings.hasAccessKey ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
    maxAttempts: 3,
    requestHandler: new NodeHttpHandler({
      connectionTimeout: Math.min(1000, settings.timeoutMs),
      requestTimeout: settings.timeoutMs,
      // Without this the handler only prints a warning and keeps waiting: calls made
      // without an abort signal (table checks at start-up) could hang on a frozen store.
      throwOnRequestTimeout: true,
    }),
  })
}

type Send = DynamoDBClient['send']

/**
 * A DynamoDB client that builds each command's middleware chain once, not on every call.
 *
 * The SDK assembles the chain (some 20 middleware, cloned and sorted) on each `send`,
 * a large share of the CPU of a returning visit. Its own `cacheMiddleware: true` only
 * serves calls without options, and the document client refuses it. The repository
 * gives every call an abort signal (its deadline over all attempts), so this client
 * keeps one chain per command class (the chain the SDK would build for a call without
 * options, as `cacheMiddleware` does), runs the command on it, and carries the signal itself:
 * - to the HTTP handler, which cancels the attempt in flight and refuses new ones
 *   once it has fired (a middleware pairs each request with its command's signal);
 * - to the caller, whose promise is rejected as soon as the signal fires, the same
 *   error the HTTP handler would give, even while the SDK waits between two attempts.
 * Calls with other options, or with a callback, take the SDK's usual path.
 */
class LeanDynamoDbClient extends DynamoDBClient {
  /** The abort signal of each command in flight, by its input object. */
  readonly #signals = new WeakMap<object, AbortSignal>()
  /** The same signal, by the HTTP request the SDK built for that command. */
  readonly #requestSignals = new WeakMap<object, AbortSignal>()
  /**
   * The resolved middleware chain of each command class, apart for commands the repository
   * marked not to be resent when their outcome is unknown (their chain holds that step; a
   * plain command of the same class must not share it). The mark is the one middleware a
   * command adds of its own here, so it is the only thing the key needs.
   */
  readonly #handlers = new Map<string, (command: unknown) => Promise<{ output: unknown }>>()

  constructor(config: DynamoDBClientConfig) {
    super(config)
    const handler = this.config.requestHandler as NodeHttpHandler
    const handle = handler.handle.bind(handler)
    handler.handle = (request, options: HttpHandlerOptions = {}) => {
      const abortSignal = this.#requestSignals.get(request)
      return handle(request, abortSignal && !options.abortSignal ? { ...options, abortSignal } : options)
    }
    // After signing, which hands on a signed copy of the request: the one the handler gets.
    const carrySignal: FinalizeRequestMiddleware<object, object> = (next) => async (args) => {
      const signal = this.#signals.get(args.input)
      if (signal) this.#requestSignals.set(args.request as object, signal)
      return next(args)
    }
    this.middlewareStack.addRelativeTo(
      carrySignal as never,
      { relation: 'after', toMiddleware: 'httpSigningMiddleware', name: 'leanAbortSignal', override: true },
    )
  }

  override send: Send = ((command: Parameters<Send>[0], options?: unknown, callback?: unknown) => {
    const signal = onlyAbortSignal(options)
    if (!signal || callback !== undefined) return (super.send as (...args: unknown[]) => unknown)(command, options, callback)
    if (signal.aborted) return Promise.reject(abortError(signal))
    this.#signals.set(command.input as object, signal)
    return new Promise<unknown>((resolve, reject) => {
      const onAbort = () => reject(abortError(signal))
      signal.addEventListener('abort', onAbort, { once: true })
      this.#run(command).then(
        (output) => (signal.removeEventListener('abort', onAbort), resolve(output)),
        (error: unknown) => (signal.removeEventListener('abort', onAbort), reject(error)),
      )
    })
  }) as Send

  #run(command: Parameters<Send>[0]): Promise<unknown> {
    const marked = (command as unknown as Record<symbol, unknown>)[NOT_RETRIED_WHEN_UNKNOWN] === true
    const key = `${command.constructor.name}${marked ? '|not-retried-when-unknown' : ''}`
    let handler = this.#handlers.get(key)
    if (!handler) {
      const resolve = (command as unknown as { resolveMiddleware: (stack: unknown, config: unknown, options: undefined) => typeof handler })
        .resolveMiddleware
      handler = resolve.call(command, this.middlewareStack, this.config, undefined)!
      this.#handlers.set(key, handler)
    }
    return handler(command).then((result) => result.output)
  }
}

/** The signal when the options hold an abort signal and nothing else. */
function onlyAbortSignal(options: unknown): AbortSignal | null {
  if (typeof options !== 'object' || options === null) return null
  const keys = Object.keys(options)
  const signal = (options as { abortSignal?: unknown }).abortSignal
  return keys.length === 1 && signal instanceof AbortSignal ? signal : null
}

/** What the SDK's Node HTTP handler rejects with when a call's signal fires. */
function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason
  const error = new Error(reason instanceof Error || reason === undefined ? 'Request aborted' : String(reason))
  error.name = 'AbortError'
  if (reason instanceof Error) error.cause = reason
  return error
}
