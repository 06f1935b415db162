import * as otel from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import {
  AggregationTemporality,
  DataPointType,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
  type DataPoint,
  type Histogram,
} from '@opentelemetry/sdk-metrics'
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base'

/**
 * Spans and metrics kept in memory, through OpenTelemetry's own SDK and in-memory
 * exporters. The providers are handed to the code under test (not registered
 * globally), so test files cannot see each other's telemetry; only the context
 * manager is global, as the API requires for active spans.
 */
export function otelHarness() {
  otel.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())
  const spanExporter = new InMemorySpanExporter()
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spanExporter)] })
  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE)
  // Read on demand only (forceFlush); the interval never fires within a test.
  const reader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 3_600_000 })
  const meterProvider = new MeterProvider({ readers: [reader] })

  /** Every data point of every metric as it stands now (cumulative since the harness was made). */
  async function points(): Promise<MetricPoint[]> {
    metricExporter.reset()
    await reader.forceFlush()
    const out: MetricPoint[] = []
    for (const resource of metricExporter.getMetrics()) {
      for (const scope of resource.scopeMetrics) {
        for (const metric of scope.metrics) {
          for (const point of metric.dataPoints as DataPoint<number | Histogram>[]) {
            const histogram = metric.dataPointType === DataPointType.HISTOGRAM
            const value = point.value
            out.push({
              name: metric.descriptor.name,
              unit: metric.descriptor.unit,
              scope: scope.scope.name,
              attributes: point.attributes as Record<string, unknown>,
              value: histogram ? (value as Histogram).count : (value as number),
            })
          }
        }
      }
    }
    return out
  }

  return {
    tracerProvider,
    meterProvider,
    spans: (): ReadableSpan[] => spanExporter.getFinishedSpans(),
    named: (name: string): ReadableSpan[] => spanExporter.getFinishedSpans().filter((s) => s.name === name),
    resetSpans: () => spanExporter.reset(),
    points,
    /** The sum of a counter's points (a histogram's count) whose attributes include `match`. */
    async total(name: string, match: Record<string, unknown> = {}): Promise<number> {
      return (await points())
        .filter((p) => p.name === name && Object.entries(match).every(([k, v]) => p.attributes[k] === v))
        .reduce((sum, p) => sum + p.value, 0)
    },
    async shutdown() {
      await tracerProvider.shutdown()
      await meterProvider.shutdown()
      otel.context.disable()
    },
  }
}

export type OtelHarness = ReturnType<typeof otelHarness>

export interface MetricPoint {
  readonly name: string
  readonly unit: string
  readonly scope: string
  readonly attributes: Record<string, unknown>
  /** A counter's value, or a histogram's count. */
  readonly value: number
}

/** The parent span id of a finished span (SDK 1.x called it parentSpanId). */
export function parentOf(span: ReadableSpan): string | undefined {
  return span.parentSpanContext?.spanId
}

/**
 * Every string that telemetry carries: span names, attribute values of spans and
 * events, metric names and data point attributes. For checks that no secret is among them.
 */
export async function everyTelemetryString(harness: OtelHarness): Promise<string[]> {
  const strings: string[] = []
  const add = (value: unknown) => {
    if (Array.isArray(value)) for (const v of value) add(v)
    else if (value !== undefined && value !== null) strings.push(String(value))
  }
  for (const span of harness.spans()) {
    add(span.name)
    for (const [key, value] of Object.entries(span.attributes)) add(key), add(value)
    for (const event of span.events) for (const value of Object.values(event.attributes ?? {})) add(value)
    add(span.status.message)
  }
  for (const point of await harness.points()) {
    add(point.name)
    for (const [key, value] of Object.entries(point.attributes)) add(key), add(value)
  }
  return strings
}
