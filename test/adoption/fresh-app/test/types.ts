// Compile-time checks, type-checked (not run) with the rest of the app: the session is
// typed by the schema's output, values are JSON only. Each @ts-expect-error fails the
// build if its line compiles.
import { Hono } from 'hono'
import { MemorySessionRepository, sessionMiddleware, type JsonValue, type SessionEnv } from 'hono-dynamodb-session'
import { ShopData } from './shop-app.js'
import { SECRET } from './support.js'

const app = new Hono<SessionEnv<ShopData>>()
app.use(sessionMiddleware({ repository: new MemorySessionRepository(), secret: SECRET, schema: ShopData }))
app.get('/', async (c) => {
  const cart: string[] | undefined = await c.var.session.get('cart')
  const updated: string[] | undefined = await c.var.session.update('cart', (cart) => cart ?? [])
  const anyJson: JsonValue = { cart: cart ?? [], updated: updated ?? null }
  // @ts-expect-error the schema has no `coupon`, so neither has the session
  c.var.session.set('coupon', 'SPRING')
  // @ts-expect-error the cart holds strings
  c.var.session.set('cart', [1])
  // @ts-expect-error a Date is not a JSON value
  c.var.session.set('note', new Date())
  // @ts-expect-error only numeric keys can be incremented
  await c.var.session.increment('name')
  return c.json(anyJson)
})

// @ts-expect-error with a schema, the schema's output types the session: no type argument beside it
sessionMiddleware<{ cart: string[] }>({ repository: new MemorySessionRepository(), secret: SECRET, schema: ShopData })

export { app }
