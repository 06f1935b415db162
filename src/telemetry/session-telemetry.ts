import {
  ATTR_DB_OPERATION_NAME,
  ATTR_DB_SYSTEM_NAME,
  ATTR_ERROR_TYPE,
  ATTR_SESSION_IDENTITY_CHANGE,
  ATTR_SESSION_OUTCOME,
  errorType,
  METRIC_CAPACITY_READ,
  METRIC_CAPACITY_WRITE,
  METRIC_CONFLICTS,
  METRIC_IDENTITY_CHANGES,
  METRIC_REQUESTS,
  METRIC_STORE_DURATION,
  METRIC_UPDATE_RETRIES,
  DURATION_BUCKETS,
  outcomeFromError,
} from './session-attributes.js'
import { IDENTITY_CHANGES, SESSION_OUTCOMES, type IdentityChangeName, type SessionOutcomeName, type SessionTelemetry } from '../domain/telemetry-port.js'
import { spanRunner, type SpanHooks } from './span-runner.js'
import {
  INSTRUMENTATION_SCOPE,
  SPAN_KIND_INTERNAL,
  type Attributes,
  type CounterLike,
  type HistogramLike,
  type OpenTelemetryApi,
  type SpanOptionsLike,
  type TelemetryOptions,
} from './otel-types.js'

/** Options of sessionTelemetry(): the shared telemetry options, and the store's system name. */
export interface SessionTelemetryOptions extends TelemetryOptions {
  /**
   * The store's `db.system.name` on `session.store.*` spans and durations: 'aws.dynamodb'
   * for DynamoDbSessionRepository; for others a name of your choosing ('memory'). Absent: left out.
   */
  readonly storeSystem?: string
}

/**
 * Session telemetry through OpenTelemetry. Pass the API module itself: the library
 * never imports `@opentelemetry/api` (an optional peer), so an application without
 * it pays nothing, and bundles (Workers) never look for it.
 *
 * Why an argument rather than a dynamic `import('@opentelemetry/api')`: the import
 * would be asynchronous in a synchronous factory; a bundler must either find the
 * package (failing builds without it) or leave the import out (losing it on Workers
 * even when installed); and the application's own copy, the one its SDK registered
 * with, is the one we must use. Passing it is one explicit line.
 *
 * Spans and instruments come from the providers registered with the API, resolved
 * on first use, so an SDK started after the middleware was built is still used. With
 * no SDK registered, spans are the API's no-op spans: nothing else is computed.
 *
 * @example
 *   import * as otel from '@opentelemetry/api'
 *   const telemetry = sessionTelemetry(otel, { storeSystem: 'aws.dynamodb' })
 */
export function sessionTelemetry(api: OpenTelemetryApi, options: SessionTelemetryOptions = {}): SessionTelemetry {
  const runner = spanRunner(api, options)
  let instruments: Instruments | undefined
  const metrics = () => (instruments ??= createInstruments(api, options))
  const store = storeOperations(options.storeSystem)

  return {
    enabled: true,
    load: (work) => runner.run('session.load', INTERNAL, work, OUTCOME_ON_FAILURE),
    save: (work, outcomeOf) => runner.run('session.save', INTERNAL, work, SAVE_OUTCOME, outcomeOf),
    identityChange: async (change, work) => {
      const result = await runner.run(`session.${change}`, CHANGE_SPANS[change], work, OUTCOME_ON_FAILURE)
      metrics().identityChanges.add(1, CHANGE_SPANS[change].attributes)
      return result
    },
    storeCall: async (operation, work) => {
      const spec = store(operation)
      const started = performance.now()
      try {
        const result = await runner.run(spec.name, spec.span, work)
        metrics().storeDuration.record(seconds(started), spec.span.attributes)
        return result
      } catch (error) {
        metrics().storeDuration.record(seconds(started), spec.failedWith(errorType(error)))
        throw error
      }
    },
    conflict: (operation) => metrics().conflicts.add(1, store(operation).span.attributes),
    updateRetried: () => metrics().updateRetries.add(1),
    requestEnded: (outcome, cost) => {
      const m = metrics()
      m.requests.add(1, OUTCOME_ATTRIBUTES[outcome])
      if (cost) {
        if (cost.readUnits > 0) m.capacityRead.add(cost.readUnits)
        if (cost.writeUnits > 0) m.capacityWrite.add(cost.writeUnits)
      }
    },
  }
}

interface StoreOperation {
  readonly name: string
  readonly span: SpanOptionsLike & { readonly attributes: Attributes }
  /** The attributes of a failed call, by error class: built once each. */
  failedWith(type: string): Attributes
}

/** Span names and attributes of store calls, built once per operation (the port has a handful). */
function storeOperations(system: string | undefined): (operation: string) => StoreOperation {
  const known = new Map<string, StoreOperation>()
  return (operation) => {
    let found = known.get(operation)
    if (found) return found
    const attributes: Attributes = Object.freeze({
      ...(system ? { [ATTR_DB_SYSTEM_NAME]: system } : {}),
      [ATTR_DB_OPERATION_NAME]: operation,
    })
    const failures = new Map<string, Attributes>()
    found = {
      name: `session.store.${operation}`,
      span: Object.freeze({ kind: SPAN_KIND_INTERNAL, attributes }),
      failedWith(type) {
        let failed = failures.get(type)
        if (!failed) failures.set(type, (failed = Object.freeze({ ...attributes, [ATTR_ERROR_TYPE]: type })))
        return failed
      },
    }
    known.set(operation, found)
    return found
  }
}

/** A failed session span says which outcome its error stands for. */
const OUTCOME_ON_FAILURE: SpanHooks<unknown, unknown> = {
  failed: (span, error) => span.setAttribute(ATTR_SESSION_OUTCOME, outcomeFromError(error)),
}

/** A save also says how it ended when it returns. */
const SAVE_OUTCOME: SpanHooks<unknown, ((result: never) => SessionOutcomeName) | undefined> = {
  ...OUTCOME_ON_FAILURE,
  succeeded: (span, result, outcomeOf) => span.setAttribute(ATTR_SESSION_OUTCOME, outcomeOf ? outcomeOf(result as never) : 'saved'),
}

// Attribute sets are built once: recording a count then allocates nothing.
const OUTCOME_ATTRIBUTES = byName(SESSION_OUTCOMES, (outcome): Attributes => Object.freeze({ [ATTR_SESSION_OUTCOME]: outcome }))

const INTERNAL: SpanOptionsLike = Object.freeze({ kind: SPAN_KIND_INTERNAL })

const CHANGE_SPANS = byName(IDENTITY_CHANGES, (change) =>
  Object.freeze({ kind: SPAN_KIND_INTERNAL, attributes: Object.freeze({ [ATTR_SESSION_IDENTITY_CHANGE]: change }) as Attributes }),
)

function byName<K extends string, V>(names: readonly K[], build: (name: K) => V): Readonly<Record<K, V>> {
  const out = {} as Record<K, V>
  for (const name of names) out[name] = build(name)
  return Object.freeze(out)
}

const seconds = (started: number) => (performance.now() - started) / 1000

interface Instruments {
  readonly requests: CounterLike
  readonly conflicts: CounterLike
  readonly updateRetries: CounterLike
  readonly identityChanges: CounterLike
  readonly storeDuration: HistogramLike
  readonly capacityRead: CounterLike
  readonly capacityWrite: CounterLike
}

function createInstruments(api: OpenTelemetryApi, options: TelemetryOptions): Instruments {
  const meter = (options.meterProvider ?? api.metrics).getMeter(INSTRUMENTATION_SCOPE)
  return {
    requests: meter.createCounter(METRIC_REQUESTS, { unit: '{request}', description: 'Requests through the session middleware, by session outcome' }),
    conflicts: meter.createCounter(METRIC_CONFLICTS, { unit: '{conflict}', description: 'Store writes that lost a race to another request' }),
    updateRetries: meter.createCounter(METRIC_UPDATE_RETRIES, { unit: '{retry}', description: 'session.update() functions re-applied after a conflict' }),
    identityChanges: meter.createCounter(METRIC_IDENTITY_CHANGES, { unit: '{change}', description: 'Logins, renewals, logouts and revocations' }),
    storeDuration: meter.createHistogram(METRIC_STORE_DURATION, {
      unit: 's',
      description: 'Duration of session store calls',
      advice: { explicitBucketBoundaries: DURATION_BUCKETS },
    }),
    capacityRead: meter.createCounter(METRIC_CAPACITY_READ, { unit: '{capacity_unit}', description: 'Read capacity units the store charged' }),
    capacityWrite: meter.createCounter(METRIC_CAPACITY_WRITE, { unit: '{capacity_unit}', description: 'Write capacity units the store charged' }),
  }
}
