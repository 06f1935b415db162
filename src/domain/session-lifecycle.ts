// The identity lifecycle of a session id, written down in one place. The store
// enforces it: every transition below is one conditional write (DynamoDB: one
// conditional call or one transaction; memory: one synchronous step), so two
// transitions racing on one session, or on one user's sessions, take effect in one
// order, and the loser sees what the winner left.
//
// A storage key is always in one of these states. "Gets" is what a request carrying
// that key's cookie is answered with.

/** The state of one session id, as the store holds it under the id's storage key. */
export type IdState = 'anonymous' | 'live' | 'moved' | 'retired' | 'ended'

export interface StateRow {
  readonly state: IdState
  /** What the store holds under the key. */
  readonly stored: string
  /** What a request carrying this id's cookie gets. */
  readonly request: string
}

export const ID_STATES: readonly StateRow[] = [
  {
    state: 'anonymous',
    stored: 'nothing: never stored, or past its idle or absolute deadline',
    request: 'no session; a write creates one under a fresh id (the old id is never adopted)',
  },
  {
    state: 'live',
    stored: 'data, version, createdAt, idle and absolute deadlines, and the user binding (user id, device, lineage) after a login',
    request: 'the session',
  },
  {
    state: 'moved',
    stored: 'a marker until the grace window ends: the successor id, sealed with this id (a renewal)',
    request: 'the successor session, and its cookie',
  },
  {
    state: 'retired',
    stored: 'a marker until the grace window ends, with no successor (a login or regenerate moved the session on)',
    request: '409 without a cookie; retried, the browser carries the new cookie the login sent',
  },
  {
    state: 'ended',
    stored: 'nothing: deleted by a logout or a revocation (a marker past its window is the same)',
    request: 'as anonymous: nothing of the ended session comes back',
  },
]

export interface TransitionRow {
  readonly name: string
  readonly from: string
  readonly to: string
  /** The condition the store checks; when it fails, nothing of the transition is applied. */
  readonly condition: string
}

export const TRANSITIONS: readonly TransitionRow[] = [
  { name: 'create', from: 'anonymous', to: 'live', condition: 'the key is unused; bound: the user index is at the version read (cap enforced)' },
  { name: 'write', from: 'live', to: 'live', condition: 'live; every key the request read still holds what it saw' },
  { name: 'increment', from: 'live', to: 'live', condition: 'live; the field is absent or an integer that stays safe' },
  {
    name: 'renew',
    from: 'live (id older than renewSeconds)',
    to: 'old id moved, successor live',
    condition: 'live at the version read; bound: the old key still listed in the user index',
  },
  {
    name: 'login / regenerate',
    from: 'live or anonymous',
    to: 'old id retired, new id live (bound to the user)',
    condition: 'live at the version read; login: the user index is at the version read (cap enforced)',
  },
  { name: 'logout', from: 'live (or moved: its successor)', to: 'ended', condition: 'not a marker within its window: a moved id ends its successor instead' },
  {
    name: 'revoke',
    from: "a user's live sessions, by lineage",
    to: 'ended',
    condition: 'the user index is at the version read: a renewal that raced is seen, and its successor ended',
  },
  { name: 'expire', from: 'live', to: 'anonymous', condition: 'a deadline passes (reads treat it as gone before TTL deletes it)' },
]
