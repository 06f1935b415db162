import { SessionUsageError } from './errors.js'
import type { SessionData } from './session.js'

// What a session may hold. Every adapter stores exactly these values, so the rules
// are the intersection of JSON and of what a DynamoDB item can carry; the domain
// checks them before any store call, so memory and DynamoDB refuse the same things.

/** Longest top-level key: keys become map keys and expression names; the cap keeps one key from eating the size budget. */
export const MAX_KEY_LENGTH = 255

/**
 * Deepest nesting inside one value. DynamoDB allows 32 levels per item; the item
 * and its `data` map take two of them.
 */
export const MAX_VALUE_DEPTH = 30

/** DynamoDB numbers: 38 significant digits, magnitudes from 1e-130 up to (not including) 1e126. */
const MAX_MAGNITUDE = 1e126
const MIN_MAGNITUDE = 1e-130

/** Keys that mean something to JavaScript objects; refused so no merge can ever reach a prototype. */
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype'])

export const isValidDataKey = (key: unknown): key is string =>
  typeof key === 'string' && key.length > 0 && key.length <= MAX_KEY_LENGTH && !RESERVED_KEYS.has(key)

export function assertDataKey(key: unknown): asserts key is string {
  if (!isValidDataKey(key)) {
    throw new SessionUsageError(
      `session keys must be 1 to ${MAX_KEY_LENGTH} characters and not __proto__, constructor or prototype; got "${String(key).slice(0, 20)}"`,
    )
  }
}

/** Whether a number survives a round trip through every store. */
export const isStorableNumber = (n: number): boolean => {
  if (!Number.isFinite(n)) return false
  const magnitude = Math.abs(n)
  return magnitude === 0 || (magnitude >= MIN_MAGNITUDE && magnitude < MAX_MAGNITUDE)
}

/**
 * The value as every store will keep it: copied through JSON (dates become strings,
 * undefined members vanish), then checked. Returns undefined for a value JSON drops
 * (undefined, a function), which means "remove the key". Throws SessionUsageError
 * for numbers DynamoDB cannot represent, nesting past MAX_VALUE_DEPTH, and empty or
 * reserved map keys.
 */
export function toStorableValue(value: unknown): unknown {
  if (value === undefined) return undefined
  let text: string | undefined
  try {
    text = JSON.stringify(value)
  } catch (error) {
    throw new SessionUsageError('session values must be JSON-serialisable', { cause: error })
  }
  if (text === undefined) return undefined
  const copy: unknown = JSON.parse(text)
  check(copy, 0)
  return copy
}

function check(value: unknown, depth: number): void {
  if (typeof value === 'number') {
    if (!isStorableNumber(value)) throw new SessionUsageError(`session values cannot hold the number ${value}`)
    return
  }
  if (value === null || typeof value !== 'object') return
  if (depth >= MAX_VALUE_DEPTH) throw new SessionUsageError(`session values may nest at most ${MAX_VALUE_DEPTH} levels deep`)
  if (Array.isArray(value)) {
    for (const item of value) check(item, depth + 1)
    return
  }
  for (const [key, member] of Object.entries(value)) {
    if (key === '' || RESERVED_KEYS.has(key)) {
      throw new SessionUsageError(`session values cannot hold the map key "${key}"`)
    }
    check(member, depth + 1)
  }
}

/** Size of the data as JSON, in bytes: what the size limit counts. */
export const dataSize = (data: Readonly<SessionData>): number => new TextEncoder().encode(JSON.stringify(data)).byteLength

/**
 * A plain copy of stored data with only valid keys, built without assignment so a
 * key read from an old or foreign item can never touch a prototype.
 */
export const copyData = (data: Readonly<SessionData> | null | undefined): SessionData =>
  Object.fromEntries(Object.entries(data ?? {}).filter(([key]) => isValidDataKey(key)))
