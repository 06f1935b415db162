import { SessionUsageError } from './errors.js'
import type { SessionData } from './session.js'
import type { StandardSchema, StandardSchemaIssue } from './standard-schema.js'

/** The outcome of checking stored data: the data to use, or why it was refused. */
export type DataCheckResult = { readonly ok: true; readonly data: SessionData } | { readonly ok: false; readonly reason: string }

/** Checks data read from the store before a handler sees it. */
export type DataCheck = (data: Readonly<SessionData>) => Promise<DataCheckResult>

/** A write the schema refuses: the key, and the schema's words for why. */
export interface WriteRefusal {
  readonly key: string
  readonly reason: string
}

/**
 * Checks a write before it is kept. `after` is the data as it would be (what the
 * request knows of the stored data, its changes, and the new value); `before` is the
 * same data without the checked keys' new values. Only issues the written keys cause
 * count: those whose path starts at one of them, and object-level issues (such as an
 * unrecognized key) that `before` does not have. A Promise when the schema validates
 * asynchronously: the caller then checks again at the save.
 */
export type WriteCheck = (
  after: Readonly<SessionData>,
  keys: readonly string[],
  before: () => Readonly<SessionData>,
) => WriteRefusal | null | Promise<WriteRefusal | null>

/** The error a refused write throws: 400, naming the key, nothing saved. */
export const refusedWrite = (refusal: WriteRefusal): SessionUsageError =>
  new SessionUsageError(`the schema refuses session key "${refusal.key.slice(0, 40)}": ${refusal.reason}`)

const MAX_REASON_LENGTH = 200

const describe = (issues: readonly StandardSchemaIssue[]): string =>
  issues
    .map((issue) => issue.message)
    .join('; ')
    .slice(0, MAX_REASON_LENGTH)

/** A DataCheck from a Standard Schema (zod 4, valibot, arktype…); the schema's output is what the handler gets. */
export function schemaCheck(schema: StandardSchema): DataCheck {
  return async (data) => {
    const result = await schema['~standard'].validate(data)
    if (result.issues) return { ok: false, reason: describe(result.issues) }
    const value = result.value
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      return { ok: false, reason: 'the schema did not produce an object' }
    }
    return { ok: true, data: value as SessionData }
  }
}

/** The top-level key an issue is about, or null for an issue about the object as a whole. */
function topKeyOf(issue: StandardSchemaIssue): PropertyKey | null {
  const first = issue.path?.[0]
  if (first === undefined) return null
  return typeof first === 'object' && first !== null ? first.key : first
}

/** Applies `next` to a value that may be a Promise, staying synchronous when it is not. */
const then = <T, U>(value: T | Promise<T>, next: (value: T) => U | Promise<U>): U | Promise<U> =>
  value instanceof Promise ? value.then(next) : next(value)

/**
 * A WriteCheck from a Standard Schema. Standard Schema validates whole values, so the
 * written key is checked inside the whole data; issues about other keys (data the
 * request never saw, or keys it has not written yet) are not this write's fault. A
 * synchronous schema keeps the check synchronous, so set() can refuse at once.
 */
export function schemaWriteCheck(schema: StandardSchema): WriteCheck {
  const validate = schema['~standard'].validate
  return (after, keys, before) =>
    then(validate(after), ({ issues }) => {
      if (!issues) return null
      for (const key of keys) {
        const atKey = issues.filter((issue) => topKeyOf(issue) === key)
        if (atKey.length > 0) return { key, reason: describe(atKey) }
      }
      const whole = issues.filter((issue) => topKeyOf(issue) === null)
      if (whole.length === 0) return null
      // An object-level issue (a strict object's unknown key) is the write's fault only if it is new.
      return then(validate(before()), (earlier) => {
        const known = new Set((earlier.issues ?? []).filter((issue) => topKeyOf(issue) === null).map((issue) => issue.message))
        const caused = whole.filter((issue) => !known.has(issue.message))
        return caused.length > 0 ? { key: keys[0]!, reason: describe(caused) } : null
      })
    })
}

/** `data` with `key` set to `value` (undefined: removed), as a new object. */
function withValue(data: Readonly<SessionData>, key: string, value: unknown): SessionData {
  const entries = Object.entries(data).filter(([k]) => k !== key)
  return Object.fromEntries(value === undefined ? entries : [...entries, [key, value]])
}

/**
 * One request's write checks. A schema that answers synchronously refuses a write at
 * once (the handler's set() throws); an asynchronous one is asked again at the save,
 * over the data as it will be saved, before any store call.
 */
export class WriteGuard {
  readonly #deferred = new Set<string>()

  constructor(private readonly check: WriteCheck | undefined) {}

  /** For set() and delete(): throws SessionUsageError when the schema refuses `value` under `key` in `known`. */
  now(known: Readonly<SessionData>, key: string, value: unknown): void {
    if (!this.check) return
    const verdict = this.check(withValue(known, key, value), [key], () => known)
    if (verdict instanceof Promise) {
      // Asked again at the save; this answer is not awaited.
      verdict.catch(() => {})
      this.#deferred.add(key)
    } else if (verdict) throw refusedWrite(verdict)
  }

  /** For update(), which is awaited anyway: the answer of an asynchronous schema too. */
  async awaited(known: Readonly<SessionData>, key: string, value: unknown): Promise<void> {
    const verdict = await this.check?.(withValue(known, key, value), [key], () => known)
    if (verdict) throw refusedWrite(verdict)
  }

  /** At the save: the writes an asynchronous schema has not answered yet, in `after` (the data to save) over `base` (as stored). */
  async atSave(base: Readonly<SessionData>, after: Readonly<SessionData>): Promise<void> {
    if (!this.check || this.#deferred.size === 0) return
    const keys = [...this.#deferred]
    const before = () => keys.reduce((data, key) => withValue(data, key, Object.hasOwn(base, key) ? base[key] : undefined), after)
    const verdict = await this.check(after, keys, before)
    if (verdict) throw refusedWrite(verdict)
  }

  /** The data is gone (destroy): nothing is left to check. */
  clear(): void {
    this.#deferred.clear()
  }
}
