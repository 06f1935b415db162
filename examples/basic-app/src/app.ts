import { Hono } from 'hono'
import { MemorySessionRepository, sessionMiddleware, type SessionEnv } from 'hono-dynamodb-session'

/**
 * The whole example: sessions in memory, one route that counts visits per browser.
 * For sessions that survive restarts, swap in DynamoDbSessionRepository.
 */
export function createExampleApp(secret: string): Hono<SessionEnv> {
  const app = new Hono<SessionEnv>()
  app.use(sessionMiddleware({ repository: new MemorySessionRepository(), secret }))
  app.get('/', async (c) => {
    const visits = await c.var.session.increment('visits')
    return c.text(`You have been here ${visits} times.`)
  })
  return app
}
