import { expect } from 'vitest'

const COUNT = /^The \/private page has been visited (\d+) times\.$/

/**
 * Runs `visit(i)` for i in 0..total-1 with at most `limit` running at once (and
 * checks that `limit` were reached); returns the counts the answers showed.
 */
export async function visitInParallel(total: number, limit: number, visit: (i: number) => Promise<Response>): Promise<number[]> {
  const counts: number[] = []
  let next = 0
  let running = 0
  let peak = 0
  const worker = async () => {
    while (next < total) {
      const i = next++
      running++
      peak = Math.max(peak, running)
      try {
        const response = await visit(i)
        const body = await response.text()
        expect(response.status, body).toBe(200)
        counts.push(Number(COUNT.exec(body)?.[1]))
      } finally {
        running--
      }
    }
  }
  await Promise.all(Array.from({ length: limit }, worker))
  expect(peak).toBe(limit)
  return counts
}

/** After the visit that created the session, each of `visits` saw a distinct count: 2..visits+1. */
export const everyCountOnce = (visits: number): number[] => Array.from({ length: visits }, (_, i) => i + 2)

export const sorted = (counts: number[]): number[] => [...counts].sort((a, b) => a - b)
