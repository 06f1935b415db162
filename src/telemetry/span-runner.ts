import { ATTR_ERROR_TYPE, errorType } from './session-attributes.js'
import {
  INSTRUMENTATION_SCOPE,
  SPAN_STATUS_ERROR,
  type OpenTelemetryApi,
  type SpanLike,
  type SpanOptionsLike,
  type TelemetryOptions,
  type TracerLike,
} from './otel-types.js'

/**
 * What to add to a recording span. Hooks get `subject` (what the caller passed along),
 * so they can be constants: nothing is allocated for spans that record nothing.
 */
export interface SpanHooks<T, S> {
  started?(span: SpanLike, subject: S): void
  succeeded?(span: SpanLike, result: T, subject: S): void
  failed?(span: SpanLike, error: unknown, subject: S): void
}

export interface SpanRunner {
  /**
   * Runs `work` inside a span named `name`, made the active span so that spans
   * started by `work` are its children. A failure sets `error.type` (the error's
   * class, never its message, which may quote stored values) and the error status.
   * `options` should be a constant: it is handed to the tracer as it is.
   */
  run<T, S = undefined>(name: string, options: SpanOptionsLike, work: () => Promise<T>, hooks?: SpanHooks<NoInfer<T>, S>, subject?: S): Promise<T>
}

export function spanRunner(api: OpenTelemetryApi, options: TelemetryOptions): SpanRunner {
  let tracer: TracerLike | undefined
  return {
    run(name, spanOptions, work, hooks, subject) {
      tracer ??= (options.tracerProvider ?? api.trace).getTracer(INSTRUMENTATION_SCOPE)
      const span = tracer.startSpan(name, spanOptions)
      // The API's no-op span (no SDK registered, or a trace not sampled): no context, no hooks.
      if (!span.isRecording()) return work()
      return recorded(api, span, work, hooks, subject as never)
    },
  }
}

async function recorded<T, S>(api: OpenTelemetryApi, span: SpanLike, work: () => Promise<T>, hooks: SpanHooks<T, S> | undefined, subject: S): Promise<T> {
  try {
    hooks?.started?.(span, subject)
    const result = await api.context.with(api.trace.setSpan(api.context.active(), span), work)
    hooks?.succeeded?.(span, result, subject)
    return result
  } catch (error) {
    span.setAttribute(ATTR_ERROR_TYPE, errorType(error))
    span.setStatus({ code: SPAN_STATUS_ERROR })
    hooks?.failed?.(span, error, subject)
    throw error
  } finally {
    span.end()
  }
}
