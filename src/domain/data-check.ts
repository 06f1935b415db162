import type { SessionData } from './session.js'
import type { StandardSchema } from './standard-schema.js'

/** The outcome of checking stored data: the data to use, or why it was refused. */
export type DataCheckResult = { readonly ok: true; readonly data: SessionData } | { readonly ok: false; readonly reason: string }

/** Checks data read from the store before a handler sees it. */
export type DataCheck = (data: Readonly<SessionData>) => Promise<DataCheckResult>

/** A DataCheck from a Standard Schema (zod 4, valibot, arktype…); the schema's output is what the handler gets. */
export function schemaCheck(schema: StandardSchema): DataCheck {
  return async (data) => {
    const result = await schema['~standard'].validate(data)
    if (result.issues) return { ok: false, reason: result.issues.map((issue) => issue.message).join('; ').slice(0, 200) }
    const value = result.value
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      return { ok: false, reason: 'the schema did not produce an object' }
    }
    return { ok: true, data: value as SessionData }
  }
}
