// For integrations that carry one Set-Cookie per response (an ALB target group
// without multi-value headers): choose which cookie survives.

export interface DroppedCookies {
  warn(fields: Record<string, unknown>, message: string): void
}

const cookieName = (line: string) => line.slice(0, Math.max(0, line.indexOf('='))).trim()

/**
 * The response with one Set-Cookie at most: the session cookie (`name` or
 * `__Host-name`) when there is one, so a migrating visitor keeps the new
 * session rather than the old cookie's expiry. Logs the names it drops.
 */
export function keepSessionCookie(response: Response, sessionCookie: string, logger: DroppedCookies): Response {
  const lines = response.headers.getSetCookie()
  if (lines.length <= 1) return response
  const isSession = (line: string) => [sessionCookie, `__Host-${sessionCookie}`].includes(cookieName(line))
  const kept = lines.findLast(isSession) ?? lines[0]!
  logger.warn(
    { kept: cookieName(kept), dropped: lines.filter((l) => l !== kept).map(cookieName) },
    'this ALB target group carries one Set-Cookie per response: enable multi-value headers on it',
  )
  const headers = new Headers(response.headers)
  headers.delete('set-cookie')
  headers.append('set-cookie', kept)
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers })
}
