// A pass-through HTTP proxy in front of DynamoDB Local that counts the calls it
// forwards, by operation (the X-Amz-Target header names it, e.g.
// "DynamoDB_20120810.UpdateItem"). Each app under test talks to its own proxy,
// so the counts are exact and need no change to either app.
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

export function createCountingProxy(target: URL) {
  // DynamoDB clients keep connections open; so does the proxy, towards DynamoDB Local.
  const agent = new Agent({ keepAlive: true, maxSockets: 512 })
  let counts = new Map<string, number>()
  let delayMs = 0

  const control = (req: IncomingMessage, res: ServerResponse) => {
    const body = JSON.stringify(Object.fromEntries(counts))
    if (req.method === 'DELETE') counts = new Map()
    res.writeHead(200, { 'content-type': 'application/json' }).end(body)
  }

  const setLatency = (req: IncomingMessage, res: ServerResponse) => {
    const ms = Number(new URL(req.url ?? '', 'http://proxy').searchParams.get('ms'))
    if (req.method !== 'PUT' || !Number.isFinite(ms) || ms < 0) return res.writeHead(400).end()
    delayMs = ms
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ms: delayMs }))
  }

  const forward = (req: IncomingMessage, res: ServerResponse) => {
    const upstream = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers, agent },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.rawHeaders)
        answer.pipe(res)
      },
    )
    upstream.on('error', () => res.destroy())
    req.pipe(upstream)
  }

  return createServer((req, res) => {
    const header = req.headers['x-amz-target']
    if (header === undefined && req.url === CONTROL_PATH) return control(req, res)
    if (header === undefined && req.url?.startsWith(`${LATENCY_PATH}?`)) return setLatency(req, res)
    const operation = typeof header === 'string' ? header.slice(header.lastIndexOf('.') + 1) : `${req.method} ${req.url}`
    counts.set(operation, (counts.get(operation) ?? 0) + 1)
    // The request body keeps arriving into the socket buffer meanwhile; pipe() picks it up.
    if (delayMs > 0) setTimeout(() => forward(req, res), delayMs)
    else forward(req, res)
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
