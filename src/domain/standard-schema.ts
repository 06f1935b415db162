// The few members of the Standard Schema interface (standardschema.dev) this library
// uses, written out here so no validation library is a dependency. zod 4, valibot
// and arktype schemas all carry them.

export interface StandardSchemaIssue {
  readonly message: string
  /** Where in the value the issue is: keys, or segments holding a key. Absent: the value as a whole. */
  readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined
}

export type StandardSchemaResult<Output> =
  | { readonly value: Output; readonly issues?: undefined }
  | { readonly issues: readonly StandardSchemaIssue[] }

/** A Standard Schema (standardschema.dev) whose output is `Output`: a zod 4, valibot or arktype schema, or one written by hand. */
export interface StandardSchema<Output = unknown> {
  readonly '~standard': {
    readonly version: 1
    readonly vendor: string
    readonly validate: (value: unknown) => StandardSchemaResult<Output> | Promise<StandardSchemaResult<Output>>
    readonly types?: { readonly input: unknown; readonly output: Output } | undefined
  }
}

/** The output type a schema declares. */
export type SchemaOutput<S> = S extends StandardSchema<infer Output> ? Output : never
