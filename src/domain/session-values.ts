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

/** A lone UTF-16 surrogate: JSON keeps it, but DynamoDB stores UTF-8, which cannot. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

export const isValidDataKey = (key: unknown): key is string =>
  typeof key === 'string' && key.length > 0 && key.length <= MAX_KEY_LENGTH && !RESERVED_KEYS.has(key) && !LONE_SURROGATE.test(key)

export function assertDataKey(key: unknown): asserts key is string {
  if (!isValidDataKey(key)) {
    throw new SessionUsageError(
      `session keys must be 1 to ${MAX_KEY_LENGTH} characters of well-formed text and not __proto__, constructor or prototype; got "${String(key).slice(0, 20)}"`,
    )
  }
}

/** Whether a number survives a round trip through every store. */
export const isStorableNumber = (n: number): boolean => {
  if (!Number.isFinite(n)) return false
  const magnitude = Math.abs(n)
  return magnitude === 0 || (magnitude >= MIN_MAGNITUDE && magnitude < MAX_MAGNITUDE)
}

/** Longest path to a refused part shown in an error message; the rest is cut. */
const MAX_PATH_IN_MESSAGE = 60

/**
 * The value as every store will keep it (under `key`, named in errors): a fresh copy, made only of what comes back
 * unchanged through JSON and through a DynamoDB item. Returns undefined for
 * undefined, which means "remove the key"; an object member that is undefined is
 * left out, as JSON does (an optional property). -0 is kept as 0, which JSON and
 * DynamoDB both make of it and which `===` cannot tell apart.
 *
 * Throws SessionUsageError, naming where in the value, for anything that would come
 * back different or not at all: Date, Map, Set, RegExp, class instances, boxed
 * primitives, functions, symbols, bigints, undefined or holes inside arrays, NaN,
 * Infinity, numbers DynamoDB cannot represent, strings with lone surrogates,
 * symbol-keyed or non-enumerable members, cycles, nesting past MAX_VALUE_DEPTH, and
 * empty or reserved map keys.
 */
export function toStorableValue(value: unknown, key = ''): unknown {
  if (value === undefined) return undefined
  return copy(value, key, 0, [])
}

function copy(value: unknown, path: string, depth: number, ancestors: object[]): unknown {
  switch (typeof value) {
    case 'string':
      if (LONE_SURROGATE.test(value)) refuse(path, 'a string with a lone UTF-16 surrogate')
      return value
    case 'boolean':
      return value
    case 'number':
      if (!isStorableNumber(value)) refuse(path, `the number ${value}`)
      return value === 0 ? 0 : value
    case 'object':
      break
    default:
      refuse(path, `a ${typeof value}`)
  }
  if (value === null) return null
  if (depth >= MAX_VALUE_DEPTH) throw new SessionUsageError(`session values may nest at most ${MAX_VALUE_DEPTH} levels deep`)
  if (ancestors.includes(value)) refuse(path, 'a reference to itself (a cycle)')
  ancestors.push(value)
  const result = Array.isArray(value) ? copyArray(value, path, depth, ancestors) : copyObject(value, path, depth, ancestors)
  ancestors.pop()
  return result
}

function copyArray(value: unknown[], path: string, depth: number, ancestors: object[]): unknown[] {
  // Array.prototype is itself an array; a subclass's prototype is not (its instances come back plain).
  if (!Array.isArray(Object.getPrototypeOf(value))) refuse(path, `an instance of ${className(value)}`)
  // Own keys are the indexes and `length`; anything more is a member JSON would drop.
  if (Reflect.ownKeys(value).length !== value.length + 1) refuse(path, 'an array with holes or extra members')
  const out: unknown[] = []
  for (let i = 0; i < value.length; i++) {
    const item = value[i]
    if (item === undefined) refuse(`${path}[${i}]`, 'undefined inside an array (JSON makes it null)')
    out.push(copy(item, `${path}[${i}]`, depth + 1, ancestors))
  }
  return out
}

function copyObject(value: object, path: string, depth: number, ancestors: object[]): Record<string, unknown> {
  const prototype: unknown = Object.getPrototypeOf(value)
  // A plain object's prototype is Object.prototype, or null, or (from another realm) a root object.
  if (prototype !== null && prototype !== Object.prototype && Object.getPrototypeOf(prototype) !== null) {
    refuse(path, `an instance of ${className(value)}`, value instanceof Date ? 'store a date as an ISO string or epoch milliseconds' : undefined)
  }
  const keys = Object.keys(value)
  if (Reflect.ownKeys(value).length !== keys.length) refuse(path, 'an object with symbol keys or non-enumerable members')
  const out: Record<string, unknown> = {}
  for (const key of keys) {
    // Checked before the assignment below, so `__proto__` can never reach a prototype.
    if (key === '' || RESERVED_KEYS.has(key) || LONE_SURROGATE.test(key)) {
      throw new SessionUsageError(`session values cannot hold the map key "${key.slice(0, 20)}"`)
    }
    const member = (value as Record<string, unknown>)[key]
    if (member !== undefined) out[key] = copy(member, path === '' ? key : `${path}.${key}`, depth + 1, ancestors)
  }
  return out
}

function className(value: object): string {
  const name: unknown = (value as { constructor?: { name?: unknown } }).constructor?.name
  return typeof name === 'string' && name !== '' ? name : 'a class'
}

function refuse(path: string, what: string, hint?: string): never {
  const where = path === '' ? '' : ` at ${path.length > MAX_PATH_IN_MESSAGE ? `${path.slice(0, MAX_PATH_IN_MESSAGE)}…` : path}`
  throw new SessionUsageError(`session values must be JSON values that come back unchanged; got ${what}${where}${hint ? `: ${hint}` : ''}`)
}

/** Size of the data as JSON, in bytes: what the size limit counts. */
export const dataSize = (data: Readonly<SessionData>): number => new TextEncoder().encode(JSON.stringify(data)).byteLength

/**
 * A plain copy of stored data with only valid keys, built without assignment so a
 * key read from an old or foreign item can never touch a prototype.
 */
export const copyData = (data: Readonly<SessionData> | null | undefined): SessionData =>
  Object.fromEntries(Object.entries(data ?? {}).filter(([key]) => isValidDataKey(key)))
