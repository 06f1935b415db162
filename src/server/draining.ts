// For servers without a hook into their connections (Bun, Deno): once the
// process is stopping, every answer asks the client to close its connection,
// so keep-alive clients reconnect elsewhere instead of reusing a closing socket.

type Fetch<A extends unknown[]> = (request: Request, ...rest: A) => Response | Promise<Response>

export interface Drainable<A extends unknown[]> {
  readonly fetch: (request: Request, ...rest: A) => Promise<Response>
  /** From now on, answers (including those of requests already in flight) carry `Connection: close`. */
  drain(): void
}

export function drainable<A extends unknown[]>(fetch: Fetch<A>): Drainable<A> {
  let draining = false
  return {
    async fetch(request, ...rest) {
      const response = await fetch(request, ...rest)
      return draining ? withConnectionClose(response) : response
    },
    drain() {
      draining = true
    },
  }
}

function withConnectionClose(response: Response): Response {
  try {
    response.headers.set('Connection', 'close')
    return response
  } catch {
    // Immutable headers (Response.redirect(), a fetch() result): copy them.
    const headers = new Headers(response.headers)
    headers.set('Connection', 'close')
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers })
  }
}
