import { Hono } from 'hono'
import { z } from 'zod'
import { sessionMiddleware, type SessionEnv, type SessionMiddlewareOptions } from 'hono-dynamodb-session'
import { SECRET } from './support.js'

// The app a new user writes: typed by a zod schema (no type argument), a cart, flash
// messages, "remember me", and no onError: session errors answer for themselves.

export const ShopData = z.object({
  cart: z.array(z.string().min(1).max(20)).max(20).optional(),
  name: z.string().max(40).optional(),
  note: z.string().optional(),
  visits: z.number().int().optional(),
})
export type ShopData = z.output<typeof ShopData>

export interface ShopOptions extends Partial<SessionMiddlewareOptions> {
  readonly repository: SessionMiddlewareOptions['repository']
  /** Awaited between the read and the write of /cart-read-then-set, to line parallel requests up. */
  readonly beforeWrite?: () => Promise<void>
}

export function shopApp({ beforeWrite, ...options }: ShopOptions) {
  const app = new Hono<SessionEnv<ShopData>>()
  app.use(sessionMiddleware({ secret: SECRET, schema: ShopData, ...options }))
  app.get('/is-new', (c) => c.json(c.var.session.isNew))
  app.get('/visit', async (c) => c.json(await c.var.session.increment('visits')))
  app.get('/cart', async (c) => c.json((await c.var.session.get('cart')) ?? []))
  app.post('/cart/:sku', async (c) => {
    const cart = await c.var.session.update('cart', (cart) => [...(cart ?? []), c.req.param('sku')])
    return c.json(cart)
  })
  app.post('/cart-read-then-set/:sku', async (c) => {
    const cart = (await c.var.session.get('cart')) ?? []
    await beforeWrite?.()
    c.var.session.set('cart', [...cart, c.req.param('sku')])
    return c.json(cart.length + 1)
  })
  app.post('/name', async (c) => {
    c.var.session.set('name', await c.req.text())
    return c.text('saved')
  })
  app.post('/note-as-date', (c) => {
    // As plain JavaScript (or `any`) could: the types refuse a Date, the run-time check too.
    c.var.session.set('note', new Date() as unknown as string)
    return c.text('saved')
  })
  app.post('/note/:size', (c) => {
    c.var.session.set('note', 'x'.repeat(Number(c.req.param('size'))))
    return c.text('saved')
  })
  app.post('/flash', (c) => {
    c.var.session.flash('notice', 'Saved!')
    return c.text('flashed')
  })
  app.get('/flash', async (c) => c.json({ notice: (await c.var.session.takeFlash<string>('notice')) ?? null }))
  app.post('/remember/:choice', async (c) => {
    c.var.session.setPersistent(c.req.param('choice') === 'yes')
    await c.var.session.increment('visits')
    return c.text('noted')
  })
  return app
}
