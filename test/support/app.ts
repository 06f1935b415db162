import { MemorySessionRepository } from '../../src/adapters/memory-session-repository.js'
import type { SessionRepository } from '../../src/domain/session-repository.js'
import { createApp } from '../../src/server/app.js'
import type { SessionMiddlewareOptions } from '../../src/http/session-options.js'
import { CookieJar, cookieClient } from './cookie-jar.js'
import { SECRET } from './secrets.js'

/** An app over the given repository (memory by default) and a client with a cookie jar. */
export function testApp(options: Partial<SessionMiddlewareOptions> & { repository?: SessionRepository } = {}) {
  const repository = options.repository ?? new MemorySessionRepository()
  const app = createApp({ session: { secret: SECRET, ...options, repository } })
  const client = (jar = new CookieJar(), base = 'http://localhost') => cookieClient((url, init) => app.request(url, init), jar, base)
  return { app, repository, client }
}
