import type { Server } from 'node:http'
import connectDynamoDb from 'connect-dynamodb'
import express from 'express'
import session from 'express-session'
import { expect } from 'vitest'
import type { ConnectDynamoDbSessionSource } from '../../src/adapters/connect-dynamodb-source.js'
import { CookieJar, cookieClient } from '../support/cookie-jar.js'
import { LEGACY_SECRET } from '../support/secrets.js'

declare module 'express-session' {
  interface SessionData {
    views: number
    profile: unknown
  }
}

/**
 * The real ancestor: express-session + connect-dynamodb writing to a table on
 * DynamoDB Local. Its cookies and items are what a migrating user has.
 */
export function startExpressApp(client: ConstructorParameters<typeof ConnectDynamoDbSessionSource>[0]['client'], table: string) {
  const DynamoDBStore = connectDynamoDb(session)
  const app = express()
  app.use(
    session({
      secret: LEGACY_SECRET,
      resave: false,
      saveUninitialized: false,
      store: new DynamoDBStore({ client, table }),
    }),
  )
  app.get('/private', (req, res) => {
    req.session.views = (req.session.views ?? 0) + 1
    res.send(`The /private page has been visited ${req.session.views} times.`)
  })
  app.get('/profile', (req, res) => {
    req.session.profile = { name: 'Zoë', tags: ['a', 'b'], score: 1.5, none: null }
    res.send('ok')
  })
  return new Promise<Server>((ok) => {
    const server = app.listen(0, '127.0.0.1', () => ok(server))
  })
}

/** A visitor of the Express app at `base`: visits `paths`, returns its raw connect.sid cookie value. */
export async function expressVisitorOf(base: string, paths: string[]): Promise<string> {
  const visitor = cookieClient(fetch, new CookieJar(), base)
  for (const path of paths) await (await visitor.request(path)).text()
  const value = visitor.jar.get('connect.sid')
  expect(value).toMatch(/^s%3A/)
  return value!
}
