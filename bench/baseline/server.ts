// The baseline for the benchmark: the Express app this project replaces, with
// express-session and connect-dynamodb, configured the usual way
// (resave: false, saveUninitialized: false). Same route, same text and the same
// environment contract as our server: PORT, DYNAMODB_ENDPOINT, SESSION_TABLE, SESSION_SECRET.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import connectDynamoDB from 'connect-dynamodb'
import express from 'express'
import session from 'express-session'

declare module 'express-session' {
  interface SessionData {
    views: number
    blob: string
  }
}

const port = Number(process.env.PORT ?? 3001)
const endpoint = process.env.DYNAMODB_ENDPOINT
const secret = process.env.SESSION_SECRET
if (!secret) {
  console.error('SESSION_SECRET is required')
  process.exit(1)
}

const client = new DynamoDBClient({
  region: process.env.AWS_REGION ?? 'us-east-1',
  ...(endpoint ? { endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
})
const DynamoDBStore = connectDynamoDB(session)
const store = new DynamoDBStore({ client, table: process.env.SESSION_TABLE ?? 'sessions' })
// Creates the table when missing, once, before any request could race to do it.
await store.initialize()

const app = express()
// Mounted before the session middleware: a health check touches no session.
app.get('/healthz', (_req, res) => {
  res.type('text/plain').send('ok')
})
app.use(
  session({
    store,
    secret,
    resave: false,
    saveUninitialized: false,
    cookie: { maxAge: 86_400_000, httpOnly: true, sameSite: 'lax' },
  }),
)
// For the benchmark's size curve only: stores the text body in this session, so its
// data grows to the size under test (express-session saves it with the rest).
app.post('/bench/fill', express.text({ limit: '200kb' }), (req, res) => {
  req.session.blob = String(req.body)
  res.type('text/plain').send('filled')
})
app.get('/private', (req, res) => {
  req.session.views = (req.session.views ?? 0) + 1
  res.type('text/plain').send(`The /private page has been visited ${req.session.views} times.`)
})

const server = app.listen(port, '127.0.0.1', () => console.log(`baseline listening on http://127.0.0.1:${port}`))
process.on('SIGTERM', () => server.close(() => process.exit(0)))
