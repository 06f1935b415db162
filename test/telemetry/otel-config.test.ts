import { describe, expect, it } from 'vitest'
import { ConfigError } from '../../src/server/config.js'
import { loadTelemetryConfig } from '../../src/server/otel-config.js'

const problem = (env: Record<string, string>) => {
  try {
    loadTelemetryConfig(env)
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError)
    return (error as Error).message
  }
  throw new Error('no ConfigError')
}

describe('loadTelemetryConfig', () => {
  it('asks for nothing when no endpoint and no exporter is set, or when the SDK is disabled', () => {
    expect(loadTelemetryConfig({})).toBeNull()
    expect(loadTelemetryConfig({ OTEL_SERVICE_NAME: 'x', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' })).toBeNull()
    expect(loadTelemetryConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_SDK_DISABLED: 'true' })).toBeNull()
    expect(loadTelemetryConfig({ OTEL_TRACES_EXPORTER: 'none', OTEL_METRICS_EXPORTER: 'none' })).toBeNull()
    // Empty strings count as unset.
    expect(loadTelemetryConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: '' })).toBeNull()
  })

  it('an endpoint sends both signals over OTLP to its /v1 paths, protobuf by default', () => {
    expect(loadTelemetryConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' })).toEqual({
      serviceName: 'hono-dynamodb-session-demo',
      traces: { exporters: ['otlp'], url: 'http://collector:4318/v1/traces', protocol: 'http/protobuf' },
      metrics: { exporters: ['otlp'], url: 'http://collector:4318/v1/metrics', protocol: 'http/protobuf', intervalMs: 60_000 },
    })
  })

  it('signal variables win over the general ones; a signal endpoint is used as it is', () => {
    const config = loadTelemetryConfig({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'https://metrics.example/ingest',
      OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: 'http/protobuf',
      OTEL_TRACES_EXPORTER: 'otlp, console',
      OTEL_SERVICE_NAME: 'shop',
      OTEL_METRIC_EXPORT_INTERVAL: '5000',
    })
    expect(config).toEqual({
      serviceName: 'shop',
      traces: { exporters: ['otlp', 'console'], url: 'http://collector:4318/v1/traces', protocol: 'http/json' },
      metrics: { exporters: ['otlp'], url: 'https://metrics.example/ingest', protocol: 'http/protobuf', intervalMs: 5000 },
    })
    expect(Object.isFrozen(config)).toBe(true)
  })

  it('an exporter named without an endpoint: console stays local, otlp goes to localhost:4318, the other signal stays off', () => {
    expect(loadTelemetryConfig({ OTEL_TRACES_EXPORTER: 'console' })).toMatchObject({ traces: { exporters: ['console'] }, metrics: null })
    expect(loadTelemetryConfig({ OTEL_METRICS_EXPORTER: 'otlp' })).toMatchObject({
      traces: null,
      metrics: { exporters: ['otlp'], url: 'http://localhost:4318/v1/metrics' },
    })
    expect(loadTelemetryConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_METRICS_EXPORTER: 'none' })).toMatchObject({ metrics: null })
  })

  it.each([
    [{ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }, 'OTEL_EXPORTER_OTLP_PROTOCOL: grpc is not supported by the demo server; use http/protobuf or http/json'],
    [{ OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http' }, 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL must be http/protobuf or http/json'],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }, 'OTEL_EXPORTER_OTLP_ENDPOINT must be an http(s) URL such as http://localhost:4318'],
    [{ OTEL_TRACES_EXPORTER: 'zipkin' }, 'OTEL_TRACES_EXPORTER must be otlp, console or none (or a comma-separated list)'],
    [{ OTEL_METRICS_EXPORTER: 'none,otlp' }, 'OTEL_METRICS_EXPORTER: none cannot be combined with other exporters'],
    [{ OTEL_METRIC_EXPORT_INTERVAL: '10' }, 'OTEL_METRIC_EXPORT_INTERVAL must be between 100 and 3600000'],
    [{ OTEL_SDK_DISABLED: 'yes' }, 'OTEL_SDK_DISABLED must be true or false'],
  ])('refuses %o with one line naming the variable', (env, message) => {
    expect(problem(env)).toBe(message)
  })

  it('lists every bad variable, one per line', () => {
    expect(problem({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_TRACES_EXPORTER: 'jaeger' }).split('\n')).toHaveLength(2)
  })
})
