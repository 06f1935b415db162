import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { gunzipSync } from 'node:zlib'

/** One export as it reached the receiver. */
export interface Export {
  readonly path: string
  readonly contentType: string
  readonly body: Buffer
}

/** An OTLP/JSON attribute: `{ key, value: { stringValue | intValue | doubleValue | boolValue | arrayValue } }`. */
export interface OtlpAttribute {
  readonly key: string
  readonly value: Record<string, unknown>
}

export interface OtlpSpan {
  readonly traceId: string
  readonly spanId: string
  readonly parentSpanId?: string
  readonly name: string
  readonly kind: number
  readonly attributes?: OtlpAttribute[]
  readonly status?: { code?: number; message?: string }
  /** The service that sent it (resource attribute service.name). */
  readonly service: string
  readonly scope: string
}

/**
 * A local OTLP/HTTP receiver: a node:http server on 127.0.0.1 that keeps every
 * POST to /v1/traces, /v1/metrics and /v1/logs and answers 200, as a collector would.
 */
export async function startOtlpReceiver() {
  const exports: Export[] = []
  const server = createServer((request, response) => {
    void read(request).then((body) => {
      if (request.method === 'POST' && /^\/v1\/(traces|metrics|logs)$/.test(request.url ?? '')) {
        exports.push({ path: request.url!, contentType: String(request.headers['content-type'] ?? ''), body })
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}')
      } else {
        response.writeHead(404).end()
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const json = (path: string) =>
    exports.filter((e) => e.path === path && e.contentType.startsWith('application/json')).map((e) => JSON.parse(e.body.toString('utf8')))
  return {
    url: `http://127.0.0.1:${port}`,
    exports: exports as readonly Export[],
    /** Every span of every OTLP/JSON trace export, flattened. */
    spans(): OtlpSpan[] {
      return json('/v1/traces').flatMap((body) =>
        (body.resourceSpans ?? []).flatMap((rs: { resource?: { attributes?: OtlpAttribute[] }; scopeSpans?: unknown[] }) => {
          const service = String(valueOf(rs.resource?.attributes, 'service.name'))
          return (rs.scopeSpans ?? []).flatMap((ss) => {
            const { scope, spans = [] } = ss as { scope?: { name?: string }; spans?: OtlpSpan[] }
            return spans.map((span) => ({ ...span, service, scope: scope?.name ?? '' }))
          })
        }),
      )
    },
    /** Every metric of every OTLP/JSON metric export, with its data points' attributes. */
    metrics(): Array<{ name: string; unit?: string; points: Array<{ attributes?: OtlpAttribute[] }> }> {
      return json('/v1/metrics').flatMap((body) =>
        (body.resourceMetrics ?? []).flatMap((rm: { scopeMetrics?: Array<{ metrics?: Array<Record<string, unknown>> }> }) =>
          (rm.scopeMetrics ?? []).flatMap((sm) =>
            (sm.metrics ?? []).map((m) => {
              const data = (m.sum ?? m.histogram ?? m.gauge ?? m.exponentialHistogram ?? {}) as { dataPoints?: Array<{ attributes?: OtlpAttribute[] }> }
              return { name: String(m.name), unit: m.unit as string | undefined, points: data.dataPoints ?? [] }
            }),
          ),
        ),
      )
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

export type OtlpReceiver = Awaited<ReturnType<typeof startOtlpReceiver>>

/** The plain value of attribute `key` (string, number, boolean or array of them), or undefined. */
export function valueOf(attributes: readonly OtlpAttribute[] | undefined, key: string): unknown {
  const found = attributes?.find((a) => a.key === key)
  return found ? plain(found.value) : undefined
}

function plain(value: Record<string, unknown>): unknown {
  if ('arrayValue' in value) return ((value.arrayValue as { values?: Record<string, unknown>[] }).values ?? []).map(plain)
  const [first] = Object.values(value)
  return first
}

async function read(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  const body = Buffer.concat(chunks)
  return request.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body
}
