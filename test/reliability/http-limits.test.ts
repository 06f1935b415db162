import { Socket } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { startServer, type ServerProcess } from '../support/server-process.js'

/** A raw client: connects, writes what it is given, and reports what came back and when the server closed. */
function rawClient(port: number) {
  const socket = new Socket()
  const opened = performance.now()
  let received = ''
  socket.on('data', (chunk) => (received += chunk))
  const closed = new Promise<{ afterMs: number; received: string }>((resolve) =>
    socket.once('close', () => resolve({ afterMs: performance.now() - opened, received })),
  )
  socket.on('error', () => {})
  const connected = new Promise<void>((resolve) => socket.connect(port, '127.0.0.1', resolve))
  return { socket, connected, closed, received: () => received }
}

describe('limits of the Node server against slow and numerous clients', () => {
  let server: ServerProcess | undefined
  const sockets: Socket[] = []
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.destroy()
    await server?.kill('SIGKILL')
  })

  it.each([
    {
      what: 'its headers gets 408 after HEADERS_TIMEOUT_MS, not a minute later',
      limits: { HEADERS_TIMEOUT_MS: '1000', REQUEST_TIMEOUT_MS: '5000' },
      sent: 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ',
      window: [900, 3500],
    },
    {
      what: 'its body gets 408 after REQUEST_TIMEOUT_MS',
      limits: { HEADERS_TIMEOUT_MS: '1000', REQUEST_TIMEOUT_MS: '2000' },
      sent: 'POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"us',
      window: [1800, 4500],
    },
  ])('a client that never finishes $what', async ({ limits, sent, window }) => {
    server = await startServer({ SESSION_STORE: 'memory', ...limits })
    const client = rawClient(server.port)
    sockets.push(client.socket)
    await client.connected
    client.socket.write(sent)
    const { afterMs, received } = await client.closed
    expect(received).toMatch(/^HTTP\/1\.1 408 /)
    expect(afterMs).toBeGreaterThanOrEqual(window[0]!)
    expect(afterMs).toBeLessThan(window[1]!)
  })

  it('connections past MAX_CONNECTIONS are closed at once; a freed slot serves again', async () => {
    server = await startServer({ SESSION_STORE: 'memory', MAX_CONNECTIONS: '2' })
    const holders = [rawClient(server.port), rawClient(server.port)]
    sockets.push(...holders.map((h) => h.socket))
    await Promise.all(holders.map((h) => h.connected))
    // Give the server a moment to count both as accepted.
    await new Promise((r) => setTimeout(r, 200))

    const extra = rawClient(server.port)
    sockets.push(extra.socket)
    await extra.connected
    extra.socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n')
    const refused = await Promise.race([extra.closed, new Promise<'open'>((r) => setTimeout(() => r('open'), 3000))])
    expect(refused).not.toBe('open')
    expect((refused as { received: string }).received).toBe('')

    holders[0]!.socket.destroy()
    await holders[0]!.closed
    await new Promise((r) => setTimeout(r, 200))
    const served = rawClient(server.port)
    sockets.push(served.socket)
    await served.connected
    served.socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n')
    expect((await served.closed).received).toMatch(/^HTTP\/1\.1 200 /)
  })
})
