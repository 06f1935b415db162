import { serve } from '@hono/node-server'
import { createExampleApp } from './app.js'

const secret = process.env.SESSION_SECRET ?? 'example-only-secret-replace-me-0123456789'
const app = createExampleApp(secret)
const port = Number(process.env.PORT ?? 3000)

serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, (info) => {
  console.log(`listening on http://127.0.0.1:${info.port}`)
})
