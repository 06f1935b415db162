// A small HTTP proxy in front of DynamoDB Local. Tests use it to see which calls
// the server makes, to hold calls (so requests stay in flight on purpose) and to
// answer some calls with an error DynamoDB Local cannot produce (throttling).
import { createServer, request as forward, type IncomingHttpHeaders, type Server } from 'node:http'

export interface ProxiedCall {
  /** The operation, e.g. `UpdateItem` (from the X-Amz-Target header). */
  readonly operation: string
  readonly body: string
}

/**
 * What to do with one call: pass it on; pass it on and then drop DynamoDB's reply (the call
 * is applied, the caller never hears so, as after a network blip on the way back); or
 * answer it here with a DynamoDB error.
 */
export type Verdict = 'forward' | 'drop-reply' | { readonly status: number; readonly errorType: string; readonly message: string }

export interface ProxyRecord extends ProxiedCall {
  /** The status the server was answered with. */
  status: number
  /** The `__type` of an error answer, without its namespace. */
  errorType: string | undefined
}

export interface DynamoDbProxy {
  readonly endpoint: string
  /** Every call seen so far, in arrival order, with its answer once sent. */
  readonly calls: ProxyRecord[]
  /** Decides each call from now on; may be async (to hold a call until something happens). */
  setRule(rule: (call: ProxiedCall) => Verdict | Promise<Verdict>): void
  close(): Promise<void>
}

const SERVICE_NAMESPACE = 'com.amazonaws.dynamodb.v20120810'

export async function startDynamoDbProxy(upstream: string): Promise<DynamoDbProxy> {
  const target = new URL(upstream)
  const calls: ProxyRecord[] = []
  let rule: (call: ProxiedCall) => Verdict | Promise<Verdict> = () => 'forward'

  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const body = Buffer.concat(chunks)
    const operation = String(req.headers['x-amz-target'] ?? '').split('.').pop() ?? ''
    const record: ProxyRecord = { operation, body: body.toString('utf8'), status: 0, errorType: undefined }
    calls.push(record)

    let verdict: Verdict
    try {
      verdict = await rule(record)
    } catch {
      verdict = 'forward'
    }
    if (verdict !== 'forward' && verdict !== 'drop-reply') {
      const payload = JSON.stringify({ __type: `${SERVICE_NAMESPACE}#${verdict.errorType}`, message: verdict.message })
      record.status = verdict.status
      record.errorType = verdict.errorType
      res.writeHead(verdict.status, { 'content-type': 'application/x-amz-json-1.0', 'content-length': Buffer.byteLength(payload) })
      res.end(payload)
      return
    }

    const upstreamRequest = forward(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers as IncomingHttpHeaders },
      (answer) => {
        const parts: Buffer[] = []
        answer.on('data', (chunk: Buffer) => parts.push(chunk))
        answer.on('end', () => {
          const text = Buffer.concat(parts)
          record.status = answer.statusCode ?? 0
          if (record.status >= 400) {
            try {
              record.errorType = String(JSON.parse(text.toString('utf8')).__type ?? '').split('#').pop()
            } catch {
              record.errorType = 'unparseable'
            }
          }
          if (verdict === 'drop-reply') {
            record.errorType = 'reply-dropped'
            res.destroy()
            return
          }
          res.writeHead(record.status, answer.headers)
          res.end(text)
        })
      },
    )
    // DynamoDB Local gone: drop the connection as a dead server would.
    upstreamRequest.on('error', () => res.destroy())
    upstreamRequest.end(body)
  })

  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok))
  const address = server.address()
  if (typeof address !== 'object' || !address) throw new Error('proxy has no address')
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    calls,
    setRule(next) {
      rule = next
    },
    async close() {
      server.closeAllConnections()
      await new Promise<void>((ok) => server.close(() => ok()))
    },
  }
}

/** The storage key a call addresses (the `id` of its Key or Item), when it has one. */
export function keyOf(call: ProxiedCall): string | undefined {
  try {
    const parsed = JSON.parse(call.body) as { Key?: { id?: { S?: string } }; Item?: { id?: { S?: string } } }
    return parsed.Key?.id?.S ?? parsed.Item?.id?.S
  } catch {
    return undefined
  }
}
