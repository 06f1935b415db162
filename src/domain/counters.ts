import { SessionUsageError } from './errors.js'

// The number model of counters. `increment` works on integers only: the amount, the
// stored field and the result are all safe integers (|n| <= 2^53 - 1). Inside that
// range a double and DynamoDB's decimal arithmetic agree exactly, so every store
// stores the value the handler gets back. Other numbers may be stored with set(); they
// are kept as the JSON number given, but cannot be counted.

/** Refuses an amount that is not a safe integer. */
export function assertIncrementAmount(by: unknown): asserts by is number {
  if (typeof by !== 'number' || !Number.isSafeInteger(by)) {
    throw new SessionUsageError('increment needs a safe integer amount')
  }
}

/** The counter after adding `by` to `previous` (absent counts as 0), or a SessionUsageError naming the field. */
export function nextCount(field: string, previous: unknown, by: number): number {
  if (previous !== undefined && (typeof previous !== 'number' || !Number.isSafeInteger(previous))) {
    throw new SessionUsageError(`session field "${field}" is not an integer counter`)
  }
  const value = (previous ?? 0) + by
  if (!Number.isSafeInteger(value)) throw new SessionUsageError(`session field "${field}" would leave the safe-integer range`)
  return value
}

/** The range a stored counter must lie in for `+ by` to stay safe: [low, high]. */
export function counterRange(by: number): { readonly low: number; readonly high: number } {
  return { low: -Number.MAX_SAFE_INTEGER - Math.min(by, 0), high: Number.MAX_SAFE_INTEGER - Math.max(by, 0) }
}
