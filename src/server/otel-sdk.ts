// The OpenTelemetry Node SDK for the demo server, loaded (by a dynamic import in
// main.ts) only when the environment asks for telemetry: without it the demo loads
// none of these packages. Never part of the library.
import { httpInstrumentationMiddleware } from '@hono/otel'
import * as otel from '@opentelemetry/api'
import { OTLPMetricExporter as JsonMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http'
import { OTLPMetricExporter as ProtobufMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto'
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http'
import { OTLPTraceExporter as ProtobufTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto'
import { envDetector } from '@opentelemetry/resources'
import { ConsoleMetricExporter, PeriodicExportingMetricReader, type PushMetricExporter } from '@opentelemetry/sdk-metrics'
import { NodeSDK } from '@opentelemetry/sdk-node'
import { BatchSpanProcessor, ConsoleSpanExporter, type SpanExporter } from '@opentelemetry/sdk-trace-base'
import type { MiddlewareHandler } from 'hono'
import type { OpenTelemetryApi } from '../index.js'
import type { TelemetryConfig } from './otel-config.js'

/** What the demo's composition needs once the SDK runs. */
export interface DemoTelemetry {
  /** The API the SDK registered with: handed to the library. */
  readonly api: OpenTelemetryApi
  /** The request's own span (`GET /private`…), the parent of the session's spans. */
  readonly requestTracing: MiddlewareHandler
  /** Exports what is still buffered, then stops the SDK. */
  shutdown(): Promise<void>
}

/**
 * Starts the SDK with exporters chosen by `config`, and registers it with the API,
 * so spans and metrics made from then on are exported. Start it before the app is
 * built: the metrics API hands out no-op meters until a provider is registered.
 */
export function startOpenTelemetry(config: TelemetryConfig): DemoTelemetry {
  const { traces, metrics } = config
  const sdk = new NodeSDK({
    serviceName: config.serviceName,
    // OTEL_RESOURCE_ATTRIBUTES only: no host or process detection (command lines, user names).
    resourceDetectors: [envDetector],
    spanProcessors: (traces?.exporters ?? []).map((name) => new BatchSpanProcessor(traceExporter(name, traces!))),
    metricReaders: (metrics?.exporters ?? []).map(
      (name) => new PeriodicExportingMetricReader({ exporter: metricExporter(name, metrics!), exportIntervalMillis: metrics!.intervalMs }),
    ),
    // Nothing here emits logs: the SDK must not set up an OTLP log exporter from its defaults.
    logRecordProcessors: [],
    instrumentations: [],
  })
  sdk.start()
  return {
    api: otel,
    requestTracing: httpInstrumentationMiddleware(),
    shutdown: () => sdk.shutdown(),
  }
}

function traceExporter(name: 'otlp' | 'console', signal: { url: string; protocol: string }): SpanExporter {
  if (name === 'console') return new ConsoleSpanExporter()
  return signal.protocol === 'http/json' ? new JsonTraceExporter({ url: signal.url }) : new ProtobufTraceExporter({ url: signal.url })
}

function metricExporter(name: 'otlp' | 'console', signal: { url: string; protocol: string }): PushMetricExporter {
  if (name === 'console') return new ConsoleMetricExporter()
  return signal.protocol === 'http/json' ? new JsonMetricExporter({ url: signal.url }) : new ProtobufMetricExporter({ url: signal.url })
}
