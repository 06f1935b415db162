// What a session value may be, as types. The run-time rule is toStorableValue
// (session-values.ts); these types refuse at compile time what can be told from a
// type: functions, class instances with methods (Date, Map, Set…), bigints, symbols
// and undefined inside arrays. NaN, Infinity and data-only class instances pass the
// types and are refused at run time.

type JsonPrimitive = string | number | boolean | null

/** A JSON value: what `set` stores and `get` gives back. Object members may be undefined (left out, as optional properties). */
export type JsonValue = JsonPrimitive | readonly JsonValue[] | { readonly [key: string]: JsonValue | undefined }

/** True for `any` and `unknown`, which the types cannot check (the run-time check still does). */
type Unchecked<T> = 0 extends 1 & T ? true : unknown extends T ? true : false

type JsonItem<T> = Unchecked<T> extends true ? T : T extends undefined ? never : JsonSafe<T>

/**
 * `T` with every part that is not JSON turned to `never`, so a value of type `T` is
 * assignable to `JsonSafe<T>` exactly when it holds JSON values only. Unlike
 * `JsonValue`, it accepts interfaces (which have no index signature).
 */
export type JsonSafe<T> =
  Unchecked<T> extends true
    ? T
    : [T] extends [JsonValue | undefined] // already JSON; also ends the recursion on JsonValue itself
      ? T
      : T extends JsonPrimitive | undefined
        ? T
        : T extends (...args: never[]) => unknown
          ? never
          : T extends readonly unknown[]
            ? { [K in keyof T]: JsonItem<T[K]> }
            : T extends object
              ? { [K in keyof T]: K extends symbol ? never : JsonSafe<T[K]> }
              : never

/**
 * The constraint on an application's session data type: every value JSON. An
 * interface works as well as a type alias. `{ when: Date }` fails it, with the
 * member that is not JSON named in the error.
 */
export type JsonData<Data> = { [K in keyof Data]: K extends symbol ? never : JsonSafe<Data[K]> }
