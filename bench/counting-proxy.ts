// A pass-through HTTP proxy in front of DynamoDB Local that counts the calls it
// forwards, by operation (the X-Amz-Target header names it, e.g.
// "DynamoDB_20120810.UpdateItem"), and the capacity units DynamoDB reports for them.
// Each app under test talks to its own proxy, so the counts are exact and need no
// change to either app.
//
// Capacity units: DynamoDB reports what a call consumed only when the call asks
// (ReturnConsumedCapacity). A call that asks is forwarded as it is; a call that does
// not gets `"ReturnConsumedCapacity":"TOTAL"` added to its JSON body here, so every
// app is measured the same way, by DynamoDB's own accounting (DynamoDB Local does not
// check request signatures, so the changed body is accepted). The units are read from
// the `ConsumedCapacity` of each answer; the answer itself goes back to the app
// byte for byte. A failed call (e.g. a condition that did not hold) reports nothing
// and is counted under `unreported`.
//
// Run as a process of its own, so its work does not share an event loop with the
// load generator:  node --import tsx bench/counting-proxy.ts http://127.0.0.1:8000
// It prints {"port":N} once listening. GET /__calls answers the counts so far;
// DELETE /__calls answers them and starts again from zero. PUT /__latency?ms=N makes
// it hold every DynamoDB call N ms before forwarding it: a stand-in for the network
// round trip to a real DynamoDB, which DynamoDB Local on the same machine does not have.
import { Agent, createServer, request, type IncomingMessage, type ServerResponse } from 'node:http'
import { fileURLToPath } from 'node:url'

export const CONTROL_PATH = '/__calls'
export const LATENCY_PATH = '/__latency'

export type CallCounts = Record<string, number>

/** What the proxy saw since the last reset. */
export interface ProxyCounts {
  /** DynamoDB calls by operation. */
  readonly calls: CallCounts
  /** Capacity units DynamoDB reported: read (RCU) and write (WCU) request units. */
  readonly units: { read: number; write: number }
  /** Calls that asked for ConsumedCapacity themselves, calls the proxy asked for, and calls that reported none. */
  readonly askedByApp: number
  readonly askedByProxy: number
  readonly unreported: number
}

const READS = new Set(['GetItem', 'BatchGetItem', 'Query', 'Scan', 'TransactGetItems'])
const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems'])

interface Consumed {
  CapacityUnits?: number
  ReadCapacityUnits?: number
  WriteCapacityUnits?: number
}

/** Read and write units in a ConsumedCapacity field (one object, or a list for batch and transact calls). */
export function unitsOf(operation: string, consumed: Consumed | Consumed[] | undefined): { read: number; write: number } | null {
  if (consumed === undefined || consumed === null) return null
  let read = 0
  let write = 0
  for (const c of Array.isArray(consumed) ? consumed : [consumed]) {
    if (c.ReadCapacityUnits !== undefined || c.WriteCapacityUnits !== undefined) {
      read += c.ReadCapacityUnits ?? 0
      write += c.WriteCapacityUnits ?? 0
    } else if (READS.has(operation)) read += c.CapacityUnits ?? 0
    else if (WRITES.has(operation)) write += c.CapacityUnits ?? 0
  }
  return { read, write }
}

export function createCountingProxy(target: URL) {
  // DynamoDB clients keep connections open; so does the proxy, towards DynamoDB Local.
  const agent = new Agent({ keepAlive: true, maxSockets: 512 })
  const fresh = () => ({ calls: new Map<string, number>(), read: 0, write: 0, askedByApp: 0, askedByProxy: 0, unreported: 0 })
  let counts = fresh()
  let delayMs = 0

  const snapshot = (): ProxyCounts => ({
    calls: Object.fromEntries(counts.calls),
    units: { read: counts.read, write: counts.write },
    askedByApp: counts.askedByApp,
    askedByProxy: counts.askedByProxy,
    unreported: counts.unreported,
  })

  const control = (req: IncomingMessage, res: ServerResponse) => {
    const body = JSON.stringify(snapshot())
    if (req.method === 'DELETE') counts = fresh()
    res.writeHead(200, { 'content-type': 'application/json' }).end(body)
  }

  const setLatency = (req: IncomingMessage, res: ServerResponse) => {
    const ms = Number(new URL(req.url ?? '', 'http://proxy').searchParams.get('ms'))
    if (req.method !== 'PUT' || !Number.isFinite(ms) || ms < 0) return res.writeHead(400).end()
    delayMs = ms
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ms: delayMs }))
  }

  /** The body to forward: with ReturnConsumedCapacity added when the call did not ask. */
  const withCapacity = (operation: string, body: Buffer): Buffer => {
    if (!READS.has(operation) && !WRITES.has(operation)) return body
    let parsed: Record<string, unknown>
    try {
      parsed = JSON.parse(body.toString('utf8')) as Record<string, unknown>
    } catch {
      return body
    }
    if (parsed.ReturnConsumedCapacity === 'TOTAL' || parsed.ReturnConsumedCapacity === 'INDEXES') {
      counts.askedByApp++
      return body
    }
    counts.askedByProxy++
    return Buffer.from(JSON.stringify({ ...parsed, ReturnConsumedCapacity: 'TOTAL' }))
  }

  const record = (operation: string, status: number | undefined, answer: Buffer) => {
    if (!READS.has(operation) && !WRITES.has(operation)) return
    let units: { read: number; write: number } | null = null
    if (status === 200) {
      try {
        units = unitsOf(operation, (JSON.parse(answer.toString('utf8')) as { ConsumedCapacity?: Consumed | Consumed[] }).ConsumedCapacity)
      } catch {
        units = null
      }
    }
    if (!units) return void counts.unreported++
    counts.read += units.read
    counts.write += units.write
  }

  const forward = (req: IncomingMessage, res: ServerResponse, operation: string, body: Buffer) => {
    const headers = { ...req.headers, 'content-length': String(body.length) }
    delete headers['transfer-encoding']
    const upstream = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers, agent },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.rawHeaders)
        const chunks: Buffer[] = []
        answer.on('data', (chunk: Buffer) => {
          chunks.push(chunk)
          res.write(chunk)
        })
        answer.on('end', () => {
          res.end()
          record(operation, answer.statusCode, Buffer.concat(chunks))
        })
        answer.on('error', () => res.destroy())
      },
    )
    upstream.on('error', () => res.destroy())
    upstream.end(body)
  }

  return createServer((req, res) => {
    const header = req.headers['x-amz-target']
    if (header === undefined && req.url === CONTROL_PATH) return control(req, res)
    if (header === undefined && req.url?.startsWith(`${LATENCY_PATH}?`)) return setLatency(req, res)
    const operation = typeof header === 'string' ? header.slice(header.lastIndexOf('.') + 1) : `${req.method} ${req.url}`
    counts.calls.set(operation, (counts.calls.get(operation) ?? 0) + 1)
    const started = Date.now()
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const body = withCapacity(operation, Buffer.concat(chunks))
      // The delay counts from the call's arrival, as a network round trip would.
      const wait = delayMs - (Date.now() - started)
      if (wait > 0) setTimeout(() => forward(req, res, operation, body), wait)
      else forward(req, res, operation, body)
    })
  })
}

const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]
if (isMain) {
  const target = process.argv[2]
  if (!target) {
    console.error('usage: counting-proxy.ts <DynamoDB endpoint URL>')
    process.exit(2)
  }
  const server = createCountingProxy(new URL(target))
  server.listen(0, '127.0.0.1', () => {
    const address = server.address()
    console.log(JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 }))
  })
  process.on('SIGTERM', () => process.exit(0))
}
