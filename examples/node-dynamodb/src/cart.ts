import type { Session } from 'hono-dynamodb-session'
import type { CartItem, Data } from './data.js'

/** The cart with `item` added (quantities of one SKU add up). */
export function withItem(cart: readonly CartItem[], item: CartItem): CartItem[] {
  const existing = cart.find((line) => line.sku === item.sku)
  if (!existing) return [...cart, item]
  return cart.map((line) => (line === existing ? { sku: line.sku, quantity: line.quantity + item.quantity } : line))
}

/**
 * Adds an item to the session's cart with update(): an atomic read-modify-write of the
 * cart, applied to the store at once. When another request changed the cart meanwhile,
 * update() reads it again and adds the item to the newer cart, so parallel adds all
 * succeed and no item is lost; only a cart that keeps changing through every retry
 * answers 409. If the request fails later, the add is taken back.
 */
export async function addToCart(session: Session<Data>, item: CartItem): Promise<CartItem[]> {
  return (await session.update('cart', (cart) => withItem(cart ?? [], item))) ?? []
}
