// A pass-through HTTP proxy in front of DynamoDB Local that counts the calls it
// forwards, by operation (the X-Amz-Target header names it, e.g.
// "DynamoDB_20120810.UpdateItem"). Each app under test talks to its own proxy,
// so the counts are exact and need no change to either app.
//
// Run as a process of its own, so its work does not share an event loop with the
// load generator:  node --import tsx bench/counting-proxy.ts http://127.0.0.1:8000
// It prints {"port":N} once listening. GET /__calls answers the counts so far;
// DELETE /__calls answers them and starts again from zero.
import { Agent, createServer, request, type IncomingMessage, type ServerResponse } from 'node:http'
import { fileURLToPath } from 'node:url'

export const CONTROL_PATH = '/__calls'

export type CallCounts = Record<string, number>

export function createCountingProxy(target: URL) {
  // DynamoDB clients keep connections open; so does the proxy, towards DynamoDB Local.
  const agent = new Agent({ keepAlive: true, maxSockets: 512 })
  let counts = new Map<string, number>()

  const control = (req: IncomingMessage, res: ServerResponse) => {
    const body = JSON.stringify(Object.fromEntries(counts))
    if (req.method === 'DELETE') counts = new Map()
    res.writeHead(200, { 'content-type': 'application/json' }).end(body)
  }

  return createServer((req, res) => {
    if (req.url === CONTROL_PATH && req.headers['x-amz-target'] === undefined) return control(req, res)
    const header = req.headers['x-amz-target']
    const operation = typeof header === 'string' ? header.slice(header.lastIndexOf('.') + 1) : `${req.method} ${req.url}`
    counts.set(operation, (counts.get(operation) ?? 0) + 1)

    const upstream = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers, agent },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.rawHeaders)
        answer.pipe(res)
      },
    )
    upstream.on('error', () => res.destroy())
    req.pipe(upstream)
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
