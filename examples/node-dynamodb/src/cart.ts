import type { Session } from 'hono-dynamodb-session'
import type { CartItem, Data } from './data.js'

/** The cart with `item` added (quantities of one SKU add up). */
export function withItem(cart: readonly CartItem[], item: CartItem): CartItem[] {
  const existing = cart.find((line) => line.sku === item.sku)
  if (!existing) return [...cart, item]
  return cart.map((line) => (line === existing ? { sku: line.sku, quantity: line.quantity + item.quantity } : line))
}

/**
 * Adds an item to the session's cart: a read, then a write of the whole cart. If another
 * request changes the cart in between, this request answers 409 and saves nothing, so
 * no item is ever lost; the client may retry.
 */
export async function addToCart(session: Session<Data>, item: CartItem): Promise<CartItem[]> {
  const cart = withItem((await session.get('cart')) ?? [], item)
  session.set('cart', cart)
  return cart
}
