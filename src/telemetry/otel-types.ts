// The part of `@opentelemetry/api` this library calls, written out as plain types.
//
// Why not `import type ... from '@opentelemetry/api'`: the package is an optional peer.
// Our published .d.ts files would name it, and an application without it installed
// (and without skipLibCheck) would fail to type-check against us. These shapes are a
// subset of the real API: `import * as otel from '@opentelemetry/api'` fits
// `OpenTelemetryApi` as it is (test/telemetry checks that it type-checks).

/** As the API defines it (arrays may hold gaps). */
export type AttributeValue =
  | string
  | number
  | boolean
  | Array<null | undefined | string>
  | Array<null | undefined | number>
  | Array<null | undefined | boolean>
export type Attributes = Readonly<Record<string, AttributeValue | undefined>>

/** An opaque OpenTelemetry context. */
export interface OtelContext {
  getValue(key: symbol): unknown
}

export interface SpanLike {
  setAttribute(key: string, value: AttributeValue): unknown
  setAttributes(attributes: Attributes): unknown
  setStatus(status: { code: number; message?: string }): unknown
  end(): void
  /** False for the API's no-op spans (no SDK, or not sampled): then nothing is worth computing. */
  isRecording(): boolean
}

export interface SpanOptionsLike {
  kind?: number
  attributes?: Attributes
}

export interface TracerLike {
  startSpan(name: string, options?: SpanOptionsLike): SpanLike
}

export interface CounterLike {
  add(value: number, attributes?: Attributes): void
}

export interface HistogramLike {
  record(value: number, attributes?: Attributes): void
}

export interface InstrumentOptions {
  description?: string
  unit?: string
  advice?: { explicitBucketBoundaries?: number[] }
}

export interface MeterLike {
  createCounter(name: string, options?: InstrumentOptions): CounterLike
  createHistogram(name: string, options?: InstrumentOptions): HistogramLike
}

export interface TracerProviderLike {
  getTracer(name: string, version?: string): TracerLike
}

export interface MeterProviderLike {
  getMeter(name: string, version?: string): MeterLike
}

/** What the library needs of `@opentelemetry/api`: pass the module namespace itself. */
export interface OpenTelemetryApi {
  readonly trace: TracerProviderLike & {
    setSpan(context: OtelContext, span: SpanLike): OtelContext
  }
  readonly metrics: MeterProviderLike
  readonly context: {
    active(): OtelContext
    with<T>(context: OtelContext, fn: () => T): T
  }
}

/** Where spans and metrics go; by default the providers registered with the API (globally). */
export interface TelemetryOptions {
  readonly tracerProvider?: TracerProviderLike
  readonly meterProvider?: MeterProviderLike
}

// Values of the API's SpanKind and SpanStatusCode enums, stable across its 1.x releases.
export const SPAN_KIND_INTERNAL = 0
export const SPAN_KIND_CLIENT = 2
export const SPAN_STATUS_ERROR = 2

/** The instrumentation scope every span and metric of this library carries. */
export const INSTRUMENTATION_SCOPE = 'hono-dynamodb-session'
