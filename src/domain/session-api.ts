import type { SessionData } from './session.js'

// The session as a request handler sees it, typed by the application's data.
// `Session` (no type argument) is untyped: any key, values as unknown.

/** Data without a declared shape: any key, any JSON value. */
export type UntypedSessionData = Record<string, unknown>

type DataKey<Data> = Extract<keyof Data, string>
/** The keys of `Data` whose values are numbers: the only ones `increment` accepts. */
export type NumericKey<Data> = {
  [K in DataKey<Data>]-?: [Exclude<Data[K], undefined>] extends [number] ? K : never
}[DataKey<Data>]

interface SessionLifecycle {
  /** True until the session has been saved at least once. */
  readonly isNew: boolean
  /** Moves the data to a new id and deletes the old one (call it on login). */
  regenerate(): Promise<void>
  /** Deletes the session and expires the cookie (call it on logout). */
  destroy(): Promise<void>
}

/** Reads load lazily; writes are saved once, after the handler, all together or not at all. */
export interface TypedSession<Data> extends SessionLifecycle {
  get<K extends DataKey<Data>>(key: K): Promise<Data[K] | undefined>
  /** A copy of all data, with this request's changes applied. */
  all(): Promise<Partial<Data>>
  set<K extends DataKey<Data>>(key: K, value: Data[K]): void
  delete(key: DataKey<Data>): void
  /** Adds `by` to a numeric field atomically in the store and returns the new value. */
  increment(field: NumericKey<Data>, by?: number): Promise<number>
}

export interface UntypedSession extends SessionLifecycle {
  get<T = unknown>(key: string): Promise<T | undefined>
  all(): Promise<SessionData>
  set(key: string, value: unknown): void
  delete(key: string): void
  increment(field: string, by?: number): Promise<number>
}

/** `Session<{ views: number; user: string }>` is typed by key; plain `Session` takes any key. */
export type Session<Data = UntypedSessionData> = string extends keyof Data ? UntypedSession : TypedSession<Data>
