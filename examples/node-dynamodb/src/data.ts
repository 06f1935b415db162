/** One line of the cart. */
export interface CartItem {
  readonly sku: string
  readonly quantity: number
}

/** What this app keeps in a session. Every key is optional in practice: a new session has none. */
export type Data = {
  user: string
  visits: number
  cart: CartItem[]
  /** Epoch milliseconds: dates are stored as numbers, since sessions hold JSON. */
  loggedInAt: number
}
