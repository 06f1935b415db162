import type { JsonData, JsonSafe } from './json-value.js'
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

/** One of a user's sessions, as the user may see it: never its id or storage key. */
export interface DeviceSession {
  /** Opaque and stable for the session's id; names it for revokeSession(), cannot be used as a cookie. */
  readonly handle: string
  /** Epoch seconds: when this id was issued (a login or a renewal). */
  readonly createdAt: number
  /** Epoch seconds: the last write that moved its idle deadline (every counted visit; a read only when its expiry is refreshed). */
  readonly lastSeenAt: number
  /** A short summary such as "Chrome on Linux", at most 64 characters. */
  readonly userAgent: string
  /** Whether it is the session of this request. */
  readonly current: boolean
}

interface SessionLifecycle {
  /**
   * True while no stored session is behind this request: no cookie, or (known once the
   * session was read) a cookie whose session is unknown, expired or ended.
   */
  readonly isNew: boolean
  /** Keeps a message for a later request, which reads it once with takeFlash(). Saved with the request. */
  flash<T>(key: string, value: T & JsonSafe<T>): void
  /** The flash message under `key`, removed as it is read: of parallel requests, exactly one gets it. */
  takeFlash<T = unknown>(key: string): Promise<T | undefined>
  /**
   * "Remember me": true keeps the cookie across browser restarts (Max-Age), false makes it
   * a browser-session cookie. Holds for this session from then on, through renewals.
   */
  setPersistent(persistent: boolean): void
  /** Moves the data to a new id and deletes the old one (call it on login). */
  regenerate(): Promise<void>
  /** Deletes the session and expires the cookie (call it on logout). */
  destroy(): Promise<void>
  /**
   * regenerate(), and binds the session to `userId` (1 to 256 characters), so it is
   * listed among the user's sessions and ended by revocations. Saved with the request.
   */
  login(userId: string): Promise<void>
  /** The user this session is bound to, or null. */
  userId(): Promise<string | null>
  /** The bound user's live sessions, newest first; empty when not bound. */
  userSessions(): Promise<DeviceSession[]>
  /** Ends one of the bound user's sessions by its handle, at once; false for an unknown or another user's handle. */
  revokeSession(handle: string): Promise<boolean>
  /** Ends every other session of the bound user, at once. */
  revokeOtherSessions(): Promise<void>
  /** Ends every session of the bound user, this one included (logout everywhere). */
  logoutEverywhere(): Promise<void>
}

/** Reads load lazily; writes are saved once, after the handler, all together or not at all. */
export interface TypedSession<Data extends JsonData<Data>> extends SessionLifecycle {
  get<K extends DataKey<Data>>(key: K): Promise<Data[K] | undefined>
  /** A copy of all data, with this request's changes applied. */
  all(): Promise<Partial<Data>>
  set<K extends DataKey<Data>>(key: K, value: Data[K]): void
  delete(key: DataKey<Data>): void
  /** Adds `by` (a safe integer) to an integer field atomically in the store and returns the new value. */
  increment(field: NumericKey<Data>, by?: number): Promise<number>
  /**
   * An atomic read-modify-write of one key, applied to the store at once: `fn` gets the
   * stored value and returns the new one (undefined removes the key). On a conflict it
   * is called again with the newer value, a bounded number of times. Returns what was
   * stored; undone if the request fails.
   */
  update<K extends DataKey<Data>>(key: K, fn: (current: Data[K] | undefined) => Data[K] | undefined): Promise<Data[K] | undefined>
}

export interface UntypedSession extends SessionLifecycle {
  get<T = unknown>(key: string): Promise<T | undefined>
  all(): Promise<SessionData>
  /** Any JSON value (see JsonValue); a Date, Map, class instance, NaN… is refused with SessionUsageError. */
  set<T>(key: string, value: T & JsonSafe<T>): void
  delete(key: string): void
  increment(field: string, by?: number): Promise<number>
  update<T = unknown>(key: string, fn: (current: T | undefined) => (T & JsonSafe<T>) | undefined): Promise<T | undefined>
}

/** `Session<{ views: number; user: string }>` is typed by key; plain `Session` takes any key. */
export type Session<Data extends JsonData<Data> = UntypedSessionData> = string extends keyof Data ? UntypedSession : TypedSession<Data>
