import { createServer } from 'node:net'
import { Hono } from 'hono'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { DynamoDbSessionRepository } from '../../src/adapters/dynamodb-session-repository.js'
import { MemorySessionRepository } from '../../src/adapters/memory-session-repository.js'
import {
  SessionConflictError,
  SessionRetiredError,
  SessionStoreUnavailableError,
  SessionTooLargeError,
  SessionUsageError,
} from '../../src/domain/errors.js'
import type { SessionRepository } from '../../src/domain/session-repository.js'
import { sessionErrorResponse } from '../../src/http/session-errors.js'
import { sessionMiddleware, type SessionEnv } from '../../src/http/session-middleware.js'
import { createDynamoDbClient } from '../../src/server/dynamodb-client.js'
import { cookieClient, CookieJar } from '../support/cookie-jar.js'
import { SECRET } from '../support/secrets.js'

const ERRORS = {
  conflict: () => new SessionConflictError(),
  'too-large': () => new SessionTooLargeError(200, 100),
  usage: () => new SessionUsageError('session keys must be 1 to 255 characters'),
  unavailable: () => new SessionStoreUnavailableError(),
  retired: () => new SessionRetiredError(),
}

/**
 * The same routes with Hono's default error handler (`onError` left alone) or with
 * sessionErrorResponse in a custom one. Each request's session outcome is recorded.
 */
function appOver(repository: SessionRepository, handler: 'default' | 'custom', maxBytes = 4096) {
  const outcomes: string[] = []
  const app = new Hono<SessionEnv>()
  app.use(async (c, next) => {
    await next()
    outcomes.push(c.var.sessionOutcome)
  })
  app.use(sessionMiddleware({ repository, secret: SECRET, maxBytes }))
  if (handler === 'custom') app.onError((error, c) => sessionErrorResponse(error, c) ?? c.text('not ours', 500))
  app.get('/throw/:kind', (c) => {
    c.header('X-Handler', 'ran')
    throw ERRORS[c.req.param('kind') as keyof typeof ERRORS]()
  })
  app.get('/visit', async (c) => c.text(String(await c.var.session.increment('views'))))
  app.post('/date', (c) => {
    c.var.session.set('when', new Date() as never)
    return c.text('saved')
  })
  app.post('/big', (c) => {
    c.var.session.set('blob', 'x'.repeat(maxBytes))
    return c.text('saved')
  })
  app.get('/read', async (c) => c.text(String(await c.var.session.get('views'))))
  const client = cookieClient((url, init) => app.request(url, init), new CookieJar(), 'http://localhost')
  return { app, client, outcomes }
}

async function answer(response: Response) {
  return {
    status: response.status,
    body: await response.text(),
    contentType: response.headers.get('content-type'),
    cacheControl: response.headers.get('cache-control'),
    retryAfter: response.headers.get('retry-after'),
    setCookie: response.headers.getSetCookie(),
  }
}

/** A port where nothing listens: connections are refused, as when the database is down. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

describe('session errors answer themselves, with no onError in the app', () => {
  afterEach(() => vi.restoreAllMocks())

  it.each([
    ['conflict', 409, 'The session was changed by another request; nothing was saved, please retry.', null],
    ['too-large', 413, 'Session data too large; nothing was saved.', null],
    ['usage', 400, 'Session data refused: session keys must be 1 to 255 characters; nothing was saved.', null],
    ['unavailable', 503, 'Session store unavailable, please retry shortly.', '2'],
    ['retired', 409, 'This session was just replaced by a login; nothing was saved, please retry.', '1'],
  ])('a %s error thrown by a handler is answered %i, as sessionErrorResponse answers it', async (kind, status, body, retryAfter) => {
    const console = vi.spyOn(globalThis.console, 'error')
    const bare = appOver(new MemorySessionRepository(), 'default')
    const custom = appOver(new MemorySessionRepository(), 'custom')
    const response = await bare.client.request(`/throw/${kind}`)
    expect(await answer(response)).toEqual({
      status,
      body,
      contentType: 'text/plain; charset=UTF-8',
      cacheControl: 'no-store',
      retryAfter,
      setCookie: [],
    })
    // Headers the handler set before it failed are kept, as Hono does for its own HTTPException.
    expect(response.headers.get('x-handler')).toBe('ran')
    expect(await answer(await custom.client.request(`/throw/${kind}`))).toEqual(await answer(await bare.client.request(`/throw/${kind}`)))
    expect(bare.outcomes).toEqual(['failed', 'failed'])
    expect(custom.outcomes).toEqual(['failed'])
    // Hono's default handler logs only errors it cannot answer.
    expect(console).not.toHaveBeenCalled()
  })

  it('a value that is not JSON is answered 400 at set, and the session keeps what it had', async () => {
    const repository = new MemorySessionRepository()
    const { client, outcomes } = appOver(repository, 'default')
    expect(await (await client.request('/visit')).text()).toBe('1')
    const refused = await answer(await client.request('/date', { method: 'POST' }))
    expect(refused).toMatchObject({ status: 400, cacheControl: 'no-store', setCookie: [] })
    expect(refused.body).toMatch(/^Session data refused: .*instance of Date at when.*; nothing was saved\.$/)
    expect(await (await client.request('/visit')).text()).toBe('2')
    expect(outcomes[1]).toBe('failed')
  })

  it('errors while saving, after the handler, keep their answers: 413 for a session past maxBytes', async () => {
    const { client, outcomes } = appOver(new MemorySessionRepository(), 'default', 256)
    expect(await answer(await client.request('/big', { method: 'POST' }))).toMatchObject({
      status: 413,
      body: 'Session data too large; nothing was saved.',
      cacheControl: 'no-store',
      setCookie: [],
    })
    expect(outcomes).toEqual(['failed'])
  })

  it('a store that refuses connections is answered 503 with Retry-After, from a handler read, with no onError', async () => {
    const client = createDynamoDbClient({ endpoint: `http://127.0.0.1:${await closedPort()}`, region: 'us-east-1', timeoutMs: 500 })
    try {
      const repository = new DynamoDbSessionRepository({ client, tableName: 'sessions', timeoutMs: 500 })
      const { client: browser } = appOver(repository, 'default')
      // A signed cookie, so the handler's read reaches the store.
      const signed = await appOver(new MemorySessionRepository(), 'default').client.request('/visit')
      const cookie = signed.headers.getSetCookie()[0]!.split(';')[0]!
      expect(await answer(await browser.request('/read', { headers: { cookie } }))).toMatchObject({
        status: 503,
        body: 'Session store unavailable, please retry shortly.',
        retryAfter: '2',
      })
    } finally {
      client.destroy()
    }
  })
})
