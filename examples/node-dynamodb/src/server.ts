import { serve } from '@hono/node-server'
import { createApp } from './app.js'
import { openStore, storeSettings } from './store.js'

const secret = process.env.SESSION_SECRET
if (!secret) {
  console.error('SESSION_SECRET is required: 32 or more characters (openssl rand -base64 32); "new,old" while rotating')
  process.exit(1)
}

const { client, repository } = await openStore(storeSettings(process.env))
const app = createApp({ repository, secret: secret.split(','), trustProxy: process.env.TRUST_PROXY === 'true' })
const port = Number(process.env.PORT ?? 3000)
const hostname = process.env.HOST ?? '127.0.0.1'

const server = serve({ fetch: app.fetch, port, hostname }, (info) => {
  console.log(`listening on http://${hostname}:${info.port}`)
})

// Let requests in flight finish, with their session writes, before the process exits.
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    server.close(() => {
      client.destroy()
      process.exit(0)
    })
  })
}
