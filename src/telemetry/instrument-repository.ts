import { SessionConflictError } from '../domain/errors.js'
import type { SessionRepository } from '../domain/session-repository.js'
import type { SessionTelemetry } from '../domain/telemetry-port.js'

/**
 * Methods that return another view of the same store rather than calling it:
 * their result is instrumented in turn, and they get no span of their own.
 */
const VIEWS = new Set<PropertyKey>(['metered'])

/**
 * Answers (not errors) by which a store says a write lost a race, by operation:
 * `replace` reports 'changed' when the session moved on since it was read.
 */
const LOST_RACE_ANSWERS: ReadonlyMap<PropertyKey, unknown> = new Map([['replace', 'changed']])

/**
 * The repository with every call timed and traced (`session.store.<method>`) and
 * lost races counted. Written over whatever methods the repository has, so it
 * follows the port as it changes (each is taken for an asynchronous store call,
 * except views such as `metered`); the arguments (keys, user ids, data) are never
 * looked at. Methods run on the repository itself, not on the wrapper, so classes
 * with private fields work. With NO_TELEMETRY the repository is returned as it is.
 *
 * @example
 *   const repository = instrumentRepository(new DynamoDbSessionRepository({ client, tableName }), telemetry)
 */
export function instrumentRepository<R extends SessionRepository>(repository: R, telemetry: SessionTelemetry): R {
  if (!telemetry.enabled) return repository
  const wrapped = new Map<PropertyKey, unknown>()
  return new Proxy(repository, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target)
      // Only the store's own methods: not symbols, not what every object has (toString…).
      if (typeof value !== 'function' || typeof property === 'symbol' || property in Object.prototype) return value
      let wrapper = wrapped.get(property)
      if (!wrapper) {
        const method = value as (...args: unknown[]) => unknown
        wrapper = VIEWS.has(property)
          ? (...args: unknown[]) => instrumentRepository(method.apply(target, args) as SessionRepository, telemetry)
          : storeCall(target, method, String(property), telemetry)
        wrapped.set(property, wrapper)
      }
      return wrapper
    },
  })
}

function storeCall(target: object, method: (...args: unknown[]) => unknown, operation: string, telemetry: SessionTelemetry) {
  const lostRace = LOST_RACE_ANSWERS.get(operation)
  return (...args: unknown[]) =>
    telemetry.storeCall(operation, async () => {
      try {
        const result = await method.apply(target, args)
        if (lostRace !== undefined && result === lostRace) telemetry.conflict(operation)
        return result
      } catch (error) {
        if (error instanceof SessionConflictError) telemetry.conflict(operation)
        throw error
      }
    })
}
