import { SessionConflictError } from './errors.js'
import type { LegacyImport } from './legacy-import.js'
import { ANONYMOUS, freshRef, onCurrentId, type LiveState, type RequestState, type SessionRef } from './request-state.js'
import type { SessionUser } from './session.js'
import { moveSession, renewalDue, renewIfDue } from './session-move.js'
import { NO_TELEMETRY } from './telemetry-port.js'
import { createSession, hasChanges, refreshExpiry, writeChanges, type WriteContext } from './session-writes.js'

/** What the save needs of the request beyond the write context. */
export interface SaveParts {
  readonly state: RequestState
  /** Sessions the request ends (destroy). */
  readonly toEnd: readonly SessionRef[]
  readonly legacy: LegacyImport | null
}

export interface Saved {
  readonly state: RequestState
  /** The request's session ended (a logout, or it was ended by another request meanwhile) and no new one took its place. */
  readonly ended: boolean
  /** A write moved the stored idle deadline (the cookie's Max-Age must follow). */
  readonly wrote: boolean
}

/**
 * The save, one transition per state of the request (see request-state.ts): ends what
 * the request ended, then writes, creates or moves, then renews the id when due. Each
 * step is one conditional store call; retries inside are bounded loops. The caller
 * has read the session when there are pending changes.
 */
export async function saveState(ctx: WriteContext, parts: SaveParts, now: number): Promise<Saved> {
  // A logout ends the id, or its successor when another request renewed it meanwhile.
  const telemetry = ctx.telemetry ?? NO_TELEMETRY
  if (parts.toEnd.length > 0) {
    await telemetry.identityChange('logout', async () => {
      for (const ref of parts.toEnd) await onCurrentId(ref, (r) => ctx.repository.end(r.key, now))
    })
  }
  await parts.legacy?.retireIfMarked()
  const ended = parts.toEnd.length > 0
  const state = parts.state
  switch (state.kind) {
    case 'carried':
      return { state, ended, wrote: false }
    case 'anonymous':
      // Legacy data brought in and nothing else: a read, which leaves the old session where it is.
      if (!hasChanges(ctx, null) || (ctx.persistent === undefined && parts.legacy?.onlyImported(ctx.pending))) return { state, ended, wrote: false }
      return { state: await createNew(ctx, parts.legacy, await freshRef(), undefined, now), ended: false, wrote: true }
    case 'live':
      return saveLive(ctx, parts.legacy, state, now)
    case 'moving':
      return state.binding ? telemetry.identityChange('login', () => saveMove(ctx, parts.legacy, state, now)) : saveMove(ctx, parts.legacy, state, now)
  }
}

async function saveMove(ctx: WriteContext, legacy: LegacyImport | null, state: Extract<RequestState, { kind: 'moving' }>, now: number): Promise<Saved> {
  const moved = state.from ? await moveSession(ctx, state.from, state.to, state.binding, now) : 'gone'
  if (moved !== 'gone') return { state: moved, ended: false, wrote: true }
  // Nothing stored, or the old session ended meanwhile: a login still binds, under a new session.
  if (state.binding || hasChanges(ctx, null)) {
    return { state: await createNew(ctx, legacy, state.to, state.binding ?? undefined, now), ended: false, wrote: true }
  }
  return { state: ANONYMOUS, ended: state.from !== null, wrote: false }
}

async function saveLive(ctx: WriteContext, legacy: LegacyImport | null, state: LiveState, now: number): Promise<Saved> {
  let current: LiveState = state
  let wrote = false
  if (hasChanges(ctx, state.stored)) {
    const written = await writeChanges(ctx, state, now)
    if (written === null) {
      // Ended or expired while the request worked. Changes built on what it read would
      // bring the ended session's data back: refused. Blind changes start a new session.
      if (!ctx.reads.isEmpty()) throw new SessionConflictError('the session ended while this request was using it')
      return { state: await createNew(ctx, legacy, await freshRef(), undefined, now), ended: false, wrote: true }
    }
    current = written
    wrote = true
  } else {
    const refreshed = await refreshExpiry(ctx, state, now)
    if (refreshed) [current, wrote] = [refreshed, true]
  }
  const renewed = renewalDue(current.stored, ctx.policy, now)
    ? await (ctx.telemetry ?? NO_TELEMETRY).identityChange('renewal', () => renewIfDue(ctx, current, now))
    : current
  if (renewed === 'gone') return { state: ANONYMOUS, ended: true, wrote }
  // The login that moved it on carried this request's writes, and sent the browser its
  // cookie: this answer sends none, so the pre-login id does not overwrite it.
  if (renewed === 'moved-on') return { state: { kind: 'carried', ref: current.ref }, ended: false, wrote }
  return { state: renewed, ended: false, wrote }
}

/** A new session under `ref`; a legacy session being migrated is claimed first and retired after. */
async function createNew(ctx: WriteContext, legacy: LegacyImport | null, ref: SessionRef, user: SessionUser | undefined, now: number): Promise<LiveState> {
  await legacy?.claim(now, ctx.policy.renewGraceSeconds)
  const created = await createSession(ctx, ref, user, now)
  await legacy?.complete(now)
  return created
}
