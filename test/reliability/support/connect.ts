import { Socket } from 'node:net'

/** Opens (and closes) a TCP connection; resolves with the error code when it is refused, or 'connected'. */
export function tryConnect(port: number, host = '127.0.0.1'): Promise<string> {
  return new Promise((resolve) => {
    const socket = new Socket()
    socket.once('connect', () => {
      socket.destroy()
      resolve('connected')
    })
    socket.once('error', (error: NodeJS.ErrnoException) => {
      socket.destroy()
      resolve(error.code ?? 'error')
    })
    socket.connect(port, host)
  })
}
