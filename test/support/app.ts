import { MemorySessionRepository } from '../../src/adapters/memory-session-repository.js'
import type { SessionRepository } from '../../src/domain/session-repository.js'
import { createApp } from '../../src/server/app.js'
import type { SessionMiddlewareOptions } from '../../src/http/session-options.js'
import { CookieJar } from './cookie-jar.js'

export const SECRET = 'test-secret-0123456789-abcdefghijklmnop'

/** An app over the given repository (memory by default) and a client with a cookie jar. */
export function testApp(options: Partial<SessionMiddlewareOptions> & { repository?: SessionRepository } = {}) {
  const repository = options.repository ?? new MemorySessionRepository()
  const app = createApp({ session: { secret: SECRET, ...options, repository } })
  const client = (jar = new CookieJar(), base = 'http://localhost') => ({
    jar,
    async request(path: string, init: RequestInit = {}) {
      const headers = new Headers(init.headers)
      if (jar.header() && !headers.has('cookie')) headers.set('cookie', jar.header())
      const response = await app.request(`${base}${path}`, { ...init, headers })
      jar.take(response)
      return response
    },
  })
  return { app, repository, client }
}
