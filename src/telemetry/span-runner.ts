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

export interface SpanRunner {
  /**
   * Runs `work` inside a span named `name`, made the active span so that spans
   * started by `work` are its children. A failure sets `error.type` (the error's
   * class, never its message, which may quote stored values) and the error status.
   * `options` should be a constant: it is handed to the tracer as it is.
   */
  run<T>(
    name: string,
    options: SpanOptionsLike,
    work: () => Promise<T>,
    onFailure?: (span: SpanLike, error: unknown) => void,
    onSuccess?: (span: SpanLike, result: T) => void,
  ): Promise<T>
}

export function spanRunner(api: OpenTelemetryApi, options: TelemetryOptions): SpanRunner {
  let tracer: TracerLike | undefined
  return {
    run(name, spanOptions, work, onFailure, onSuccess) {
      tracer ??= (options.tracerProvider ?? api.trace).getTracer(INSTRUMENTATION_SCOPE)
      const span = tracer.startSpan(name, spanOptions)
      // The API's no-op span (no SDK registered, or a trace not sampled): no context, no callbacks.
      if (!span.isRecording()) return work()
      return recorded(api, span, work, onFailure, onSuccess)
    },
  }
}

async function recorded<T>(
  api: OpenTelemetryApi,
  span: SpanLike,
  work: () => Promise<T>,
  onFailure?: (span: SpanLike, error: unknown) => void,
  onSuccess?: (span: SpanLike, result: T) => void,
): Promise<T> {
  try {
    const result = await api.context.with(api.trace.setSpan(api.context.active(), span), work)
    onSuccess?.(span, result)
    return result
  } catch (error) {
    span.setAttribute(ATTR_ERROR_TYPE, errorType(error))
    span.setStatus({ code: SPAN_STATUS_ERROR })
    onFailure?.(span, error)
    throw error
  } finally {
    span.end()
  }
}
