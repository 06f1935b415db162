import { describe, expect, it } from 'vitest'
import { SessionUsageError } from '../../src/domain/errors.js'
import { toStorableValue } from '../../src/domain/session-values.js'

class Point {
  constructor(
    readonly x: number,
    readonly y: number,
  ) {}
}
class Tagged extends Array<number> {}

const sparse = [1, , 3]
const withExtra = Object.assign([1, 2], { note: 'dropped by JSON' })
const hidden = Object.defineProperty({ a: 1 }, 'b', { value: 2, enumerable: false })
const cyclic: Record<string, unknown> = { a: 1 }
cyclic.self = cyclic

describe('toStorableValue: only values that come back unchanged through JSON and DynamoDB', () => {
  it.each<[string, unknown, RegExp]>([
    ['a Date', new Date(0), /instance of Date at value: store a date as an ISO string or epoch milliseconds/],
    ['a Map', new Map([['a', 1]]), /instance of Map/],
    ['a Set', new Set([1]), /instance of Set/],
    ['a RegExp', /x/, /instance of RegExp/],
    ['a class instance with data only', new Point(1, 2), /instance of Point/],
    ['an Array subclass', Tagged.from([1]), /instance of Tagged/],
    ['a boxed string', new String('x'), /instance of String/],
    ['a function', () => 1, /got a function/],
    ['a symbol', Symbol('s'), /got a symbol/],
    ['a bigint', 10n, /got a bigint/],
    ['NaN', Number.NaN, /the number NaN/],
    ['Infinity', Number.POSITIVE_INFINITY, /the number Infinity/],
    ['-Infinity', Number.NEGATIVE_INFINITY, /the number -Infinity/],
    ['undefined inside an array', [1, undefined], /undefined inside an array .* at value\[1\]/],
    ['a hole inside an array', sparse, /array with holes/],
    ['an array with an extra member', withExtra, /array with holes or extra members/],
    ['a non-enumerable member', hidden, /non-enumerable/],
    ['a symbol-keyed member', { a: 1, [Symbol('s')]: 2 }, /symbol keys/],
    ['a function member', { a: 1, f() {} }, /got a function at value\.f/],
    ['a nested Date', { order: { placed: new Date(0) } }, /instance of Date at value\.order\.placed/],
    ['a cycle', cyclic, /cycle\) at value\.self/],
    ['a lone surrogate', 'a\uD800b', /lone UTF-16 surrogate/],
    ['a lone surrogate in a map key', { ['\uDC00']: 1 }, /map key/],
  ])('refuses %s with SessionUsageError naming what and where', (_label, value, message) => {
    let thrown: unknown
    try {
      toStorableValue(value, 'value')
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(SessionUsageError)
    expect((thrown as Error).message).toMatch(message)
  })

  it('keeps JSON values as a fresh copy, equal to what JSON gives back', () => {
    const value = {
      name: 'ann \u{1F600}',
      n: [0, 1.5, -2, 1e125, 1e-130],
      ok: true,
      none: null,
      nested: { list: [{ a: [] }, {}], empty: '' },
    }
    const copy = toStorableValue(value)
    expect(copy).toEqual(JSON.parse(JSON.stringify(value)))
    expect(copy).not.toBe(value)
    ;(value.nested.list[0]!.a as unknown[]).push(1)
    expect((copy as typeof value).nested.list[0]!.a).toEqual([])
  })

  it('leaves out undefined object members, as JSON does for optional properties', () => {
    expect(toStorableValue({ a: 1, b: undefined })).toStrictEqual({ a: 1 })
  })

  it('stores -0 as 0, which JSON and DynamoDB both make of it', () => {
    expect(Object.is(toStorableValue(-0), 0)).toBe(true)
    expect(Object.is((toStorableValue([-0]) as number[])[0], 0)).toBe(true)
  })

  it('takes undefined as "remove the key", and null-prototype objects as plain', () => {
    expect(toStorableValue(undefined)).toBeUndefined()
    const bare = Object.assign(Object.create(null) as object, { a: 1 })
    expect(toStorableValue(bare)).toEqual({ a: 1 })
  })

  it('keeps the same object reached twice without a cycle, as JSON does', () => {
    const shared = { a: 1 }
    expect(toStorableValue({ x: shared, y: [shared] })).toEqual({ x: { a: 1 }, y: [{ a: 1 }] })
  })
})
