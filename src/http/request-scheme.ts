import type { Context } from 'hono'

/**
 * Whether the browser reached us over HTTPS. X-Forwarded-Proto is believed only
 * when the operator says a proxy sets it; otherwise anyone could send it.
 */
export function isSecureRequest(c: Context, trustProxy: boolean): boolean {
  if (trustProxy) {
    const forwarded = c.req.header('x-forwarded-proto')
    if (forwarded) return forwarded.split(',')[0]!.trim().toLowerCase() === 'https'
  }
  return new URL(c.req.url).protocol === 'https:'
}

