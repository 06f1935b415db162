import type { Context } from 'hono'

/**
 * The origin the browser used for this request, for the CSRF check: our host, over
 * HTTPS when the request URL says so or, with TRUST_PROXY on, when the proxy's
 * X-Forwarded-Proto does (as the session middleware decides the cookie's Secure flag).
 */
export function requestOrigin(c: Context, trustProxy: boolean): string {
  const url = new URL(c.req.url)
  const forwarded = trustProxy ? c.req.header('x-forwarded-proto')?.split(',')[0]!.trim().toLowerCase() : undefined
  const secure = forwarded ? forwarded === 'https' : url.protocol === 'https:'
  return `${secure ? 'https' : 'http'}://${url.host}`
}
