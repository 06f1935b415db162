import { z } from 'zod'
import { ConfigError } from './config.js'
import type { DemoTelemetry } from './otel-sdk.js'

// The OpenTelemetry variables the Node demo reads, under their standard names, read
// and checked once at start-up. Kept apart from loadConfig: on Lambda the ADOT layer
// owns these variables (it may well use gRPC), and the demo must not refuse them there.
// Headers, timeouts and compression (OTEL_EXPORTER_OTLP_HEADERS…) and the batch
// settings (OTEL_BSP_*) are read by the exporters themselves.

export type OtlpProtocol = 'http/json' | 'http/protobuf'
export type ExporterName = 'otlp' | 'console'

export interface SignalConfig {
  /** Where spans or metrics go: console, an OTLP endpoint, or both. */
  readonly exporters: readonly ExporterName[]
  /** The full OTLP URL (…/v1/traces or …/v1/metrics). */
  readonly url: string
  readonly protocol: OtlpProtocol
}

export interface TelemetryConfig {
  readonly serviceName: string
  readonly traces: SignalConfig | null
  readonly metrics: (SignalConfig & { readonly intervalMs: number }) | null
}

/** The spec's default endpoint for OTLP over HTTP. */
const DEFAULT_ENDPOINT = 'http://localhost:4318'

const url = (name: string) => z.url({ protocol: /^https?$/, error: `${name} must be an http(s) URL such as http://localhost:4318` }).optional()

const protocol = (name: string) =>
  z
    .enum(['http/json', 'http/protobuf', 'grpc'], { error: `${name} must be http/protobuf or http/json` })
    .refine((value) => value !== 'grpc', `${name}: grpc is not supported by the demo server; use http/protobuf or http/json`)
    .optional()

/** A comma-separated list of exporter names, as the spec allows; `none` alone turns the signal off. */
const exporters = (name: string) =>
  z
    .string()
    .transform((value) => value.split(',').map((part) => part.trim()).filter((part) => part !== ''))
    .pipe(
      z
        .array(z.enum(['otlp', 'console', 'none'], { error: `${name} must be otlp, console or none (or a comma-separated list)` }))
        .refine((list) => !list.includes('none') || list.length === 1, `${name}: none cannot be combined with other exporters`),
    )
    .optional()

const OtelSchema = z.object({
  OTEL_SDK_DISABLED: z.enum(['true', 'false'], { error: 'OTEL_SDK_DISABLED must be true or false' }).optional(),
  OTEL_SERVICE_NAME: z.string().max(256, 'OTEL_SERVICE_NAME must be at most 256 characters').default('hono-dynamodb-session-demo'),
  OTEL_EXPORTER_OTLP_ENDPOINT: url('OTEL_EXPORTER_OTLP_ENDPOINT'),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: url('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'),
  OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: url('OTEL_EXPORTER_OTLP_METRICS_ENDPOINT'),
  OTEL_EXPORTER_OTLP_PROTOCOL: protocol('OTEL_EXPORTER_OTLP_PROTOCOL'),
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: protocol('OTEL_EXPORTER_OTLP_TRACES_PROTOCOL'),
  OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: protocol('OTEL_EXPORTER_OTLP_METRICS_PROTOCOL'),
  OTEL_TRACES_EXPORTER: exporters('OTEL_TRACES_EXPORTER'),
  OTEL_METRICS_EXPORTER: exporters('OTEL_METRICS_EXPORTER'),
  OTEL_METRIC_EXPORT_INTERVAL: z.coerce
    .number({ error: 'OTEL_METRIC_EXPORT_INTERVAL must be a whole number of milliseconds' })
    .int('OTEL_METRIC_EXPORT_INTERVAL must be a whole number of milliseconds')
    .min(100, 'OTEL_METRIC_EXPORT_INTERVAL must be between 100 and 3600000')
    .max(3_600_000, 'OTEL_METRIC_EXPORT_INTERVAL must be between 100 and 3600000')
    .default(60_000),
})

/**
 * The telemetry the environment asks for, or null when it asks for none. A signal is
 * exported when its exporter is named (OTEL_TRACES_EXPORTER=console, or otlp: then to
 * http://localhost:4318 unless an endpoint is set), or, unnamed, when an OTLP endpoint
 * is set for it. With nothing set the demo starts no SDK at all. Throws ConfigError, one line per
 * bad variable. Empty strings count as unset.
 */
export function loadTelemetryConfig(env: Record<string, string | undefined>): TelemetryConfig | null {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([key, value]) => key.startsWith('OTEL_') && value !== undefined && value !== ''))
  const result = OtelSchema.safeParse(cleaned)
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? 'environment')
      return issue.message.includes(name) ? issue.message : `${name}: ${issue.message}`
    })
    throw new ConfigError([...new Set(lines)].join('\n'))
  }
  const e = result.data
  if (e.OTEL_SDK_DISABLED === 'true') return null

  const signal = (path: string, list: string[] | undefined, own: string | undefined, ownProtocol: OtlpProtocol | undefined): SignalConfig | null => {
    // Unnamed, a signal goes over OTLP when an endpoint is set for it, else nowhere: traces to the
    // console must not also send metrics to a localhost collector nobody runs.
    const endpointSet = own !== undefined || e.OTEL_EXPORTER_OTLP_ENDPOINT !== undefined
    const names = (list ?? (endpointSet ? ['otlp'] : [])).filter((name): name is ExporterName => name !== 'none')
    if (names.length === 0) return null
    const base = (e.OTEL_EXPORTER_OTLP_ENDPOINT ?? DEFAULT_ENDPOINT).replace(/\/+$/, '')
    return Object.freeze({
      exporters: Object.freeze(names),
      // A signal's own endpoint is used as it is; the general one gets the signal's path.
      url: own ?? `${base}/v1/${path}`,
      protocol: ownProtocol ?? (e.OTEL_EXPORTER_OTLP_PROTOCOL as OtlpProtocol | undefined) ?? 'http/protobuf',
    })
  }
  const traces = signal('traces', e.OTEL_TRACES_EXPORTER, e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, e.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL as OtlpProtocol | undefined)
  const metrics = signal('metrics', e.OTEL_METRICS_EXPORTER, e.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT, e.OTEL_EXPORTER_OTLP_METRICS_PROTOCOL as OtlpProtocol | undefined)
  if (!traces && !metrics) return null
  return Object.freeze({
    serviceName: e.OTEL_SERVICE_NAME,
    traces,
    metrics: metrics && Object.freeze({ ...metrics, intervalMs: e.OTEL_METRIC_EXPORT_INTERVAL }),
  })
}

/**
 * The Node entry's start of telemetry: reads the variables, exits with one line per
 * bad one (as composeOrExit does), and only when telemetry is asked for loads the
 * SDK (a dynamic import: otherwise none of its packages is loaded) and starts it.
 */
export async function startTelemetryOrExit(env: Record<string, string | undefined>): Promise<DemoTelemetry | undefined> {
  let config: TelemetryConfig | null
  try {
    config = loadTelemetryConfig(env)
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    for (const line of error.message.split('\n')) console.error(`Configuration error: ${line}`)
    process.exit(1)
  }
  if (!config) return undefined
  const { startOpenTelemetry } = await import('./otel-sdk.js')
  return startOpenTelemetry(config)
}
