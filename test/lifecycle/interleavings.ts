import fc from 'fast-check'
import { expect } from 'vitest'
import { SessionConflictError, SessionRetiredError } from '../../src/domain/errors.js'
import { onCurrentId, refFor } from '../../src/domain/request-state.js'
import { RequestSession } from '../../src/domain/request-session.js'
import { lineageOf, type SessionPolicy } from '../../src/domain/session.js'
import { handleFor } from '../../src/domain/session-handle.js'
import type { SessionRepository } from '../../src/domain/session-repository.js'
import { storageKeyFor } from '../../src/domain/session-id.js'

// Several devices of one user, driven through random interleavings of visits,
// failed visits, logouts and revocations, with the clock moving a second per store
// call so that nearly every visit renews its id. fast-check's scheduler decides the
// order in which every store call goes out. Each history is checked against a small
// model of the lifecycle's guarantees (see checkHistory).

export type Command =
  | { readonly kind: 'visit'; readonly device: number }
  /** The handler increments, then throws: nothing of it may stay. */
  | { readonly kind: 'failedVisit'; readonly device: number }
  | { readonly kind: 'logout'; readonly device: number }
  /** From device 0, the one that revokes: it is only ended by its own logoutEverywhere. */
  | { readonly kind: 'revokeOthers' }
  | { readonly kind: 'revokeOne'; readonly target: number }
  | { readonly kind: 'logoutEverywhere' }
  /** A new device of the same user logs in, racing everything else. */
  | { readonly kind: 'login' }

export const DEVICES = 3

export const commandsArbitrary = fc.array(
  fc.oneof(
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('visit' as const), device: fc.integer({ min: 0, max: DEVICES - 1 }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('failedVisit' as const), device: fc.integer({ min: 0, max: DEVICES - 1 }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('logout' as const), device: fc.integer({ min: 1, max: DEVICES - 1 }) }) },
    { weight: 1, arbitrary: fc.constant({ kind: 'revokeOthers' as const }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('revokeOne' as const), target: fc.integer({ min: 1, max: DEVICES - 1 }) }) },
    { weight: 1, arbitrary: fc.constant({ kind: 'logoutEverywhere' as const }) },
    { weight: 1, arbitrary: fc.constant({ kind: 'login' as const }) },
  ),
  { minLength: 1, maxLength: 8 },
)

const POLICY: SessionPolicy = {
  ttlSeconds: 86_400,
  maxAgeSeconds: 30 * 86_400,
  refreshThreshold: 0.5,
  maxBytes: 10_000,
  // Due one second after issue: the clock moves a second per store call, so visits renew all the time.
  renewSeconds: 1,
  // Long enough that no pointer lapses within one history.
  renewGraceSeconds: 100_000,
}

interface Device {
  cookie: string | null
  lineage: string
  acknowledged: number
}

const METHODS = ['load', 'create', 'update', 'increment', 'replace', 'listUserSessions', 'revokeUserSessions', 'end'] as const

/** The repository with every call held until the scheduler releases it; each release moves the clock a second. */
function scheduled(inner: SessionRepository, s: fc.Scheduler, clock: { now: number }): SessionRepository {
  const wrapped: Record<string, unknown> = {}
  for (const method of METHODS) {
    const call = (inner[method] as (...args: unknown[]) => Promise<unknown>).bind(inner)
    wrapped[method] = (...args: unknown[]) =>
      s.schedule(Promise.resolve(), method).then(() => {
        clock.now++
        return call(...args)
      })
  }
  return wrapped as unknown as SessionRepository
}

const expectedFailure = (error: unknown) => error instanceof SessionConflictError || error instanceof SessionRetiredError

/** One request by a device: the handler's work, then the save; the device keeps the cookie the response sets. */
async function request(repository: SessionRepository, clock: { now: number }, device: Device, work: (unit: RequestSession) => Promise<void>): Promise<boolean> {
  const unit = new RequestSession(repository, POLICY, () => clock.now, device.cookie, { device: () => 'test device' })
  try {
    await work(unit)
    const { identity } = await unit.commit()
    if (identity.kind === 'issued') device.cookie = identity.id
    if (identity.kind === 'ended') device.cookie = null
    return true
  } catch (error) {
    await unit.abort()
    if (!expectedFailure(error) && !(error instanceof ThrownByHandler)) throw error
    return false
  }
}

class ThrownByHandler extends Error {}

/** Runs one history and checks it. */
export async function runHistory(store: SessionRepository, s: fc.Scheduler, commands: readonly Command[]): Promise<void> {
  const clock = { now: 1_900_000_000 }
  const user = `user-${crypto.randomUUID()}`
  const devices: Device[] = []
  for (let i = 0; i < DEVICES; i++) {
    const device: Device = { cookie: null, lineage: '', acknowledged: 0 }
    await request(store, clock, device, (unit) => unit.login(user))
    device.lineage = await storageKeyFor(device.cookie!)
    devices.push(device)
  }
  const repository = scheduled(store, s, clock)
  const ended = new Set<number>()
  const newcomers: Device[] = []
  const runs = commands.map(async (command) => {
    switch (command.kind) {
      case 'visit': {
        const device = devices[command.device]!
        if (await request(repository, clock, device, async (unit) => void (await unit.increment('n')))) device.acknowledged++
        return
      }
      case 'failedVisit':
        await request(repository, clock, devices[command.device]!, async (unit) => {
          await unit.increment('n')
          throw new ThrownByHandler()
        })
        return
      case 'logout':
        if (await request(repository, clock, devices[command.device]!, (unit) => unit.destroy())) ended.add(command.device)
        return
      case 'revokeOthers':
        if (await request(repository, clock, devices[0]!, (unit) => unit.revokeOtherSessions())) for (let i = 1; i < DEVICES; i++) ended.add(i)
        return
      case 'revokeOne': {
        const handle = await handleFor(devices[command.target]!.lineage)
        if (await request(repository, clock, devices[0]!, async (unit) => void (await unit.revokeSession(handle)))) ended.add(command.target)
        return
      }
      case 'login': {
        const device: Device = { cookie: null, lineage: '', acknowledged: 0 }
        newcomers.push(device)
        if (await request(repository, clock, device, (unit) => unit.login(user))) device.lineage = await storageKeyFor(device.cookie!)
        return
      }
      case 'logoutEverywhere':
        if (await request(repository, clock, devices[0]!, (unit) => unit.logoutEverywhere())) for (let i = 0; i < DEVICES; i++) ended.add(i)
        return
    }
  })
  await s.waitFor(Promise.all(runs))
  await checkHistory(store, clock.now + 1, user, devices, ended)
  await checkIndex(store, clock.now + 1, user, [...devices, ...newcomers])
}

/**
 * Whatever order logins and revocations took, the user index and the sessions agree:
 * a device's session that is live and bound to the user is listed, and a listed
 * lineage is some device's live session.
 */
async function checkIndex(store: SessionRepository, now: number, user: string, devices: readonly Device[]): Promise<void> {
  const listed = (await store.listUserSessions(user, now)).map((entry) => entry.lineage)
  const live: string[] = []
  for (const device of devices) {
    if (device.cookie === null) continue
    const reached = (await onCurrentId(await refFor(device.cookie), (r) => store.load(r.key, now))).value
    if (reached?.user?.id === user) live.push(lineageOf(reached))
  }
  expect([...listed].sort()).toEqual([...new Set(live)].sort())
}

/**
 * The guarantees, checked on what is stored once every request has answered:
 * - an ended device's lineage is neither listed nor reachable by its cookie (nor by
 *   any successor of it): nothing ended comes back;
 * - a device that was not ended reaches its own session, listed in the user index,
 *   whose count is exactly its acknowledged visits (failed ones added nothing);
 * - the index lists each lineage once, and only lineages that are still live.
 */
async function checkHistory(store: SessionRepository, now: number, user: string, devices: Device[], ended: Set<number>): Promise<void> {
  const listed = await store.listUserSessions(user, now)
  const listedLineages = listed.map((entry) => entry.lineage)
  expect(new Set(listedLineages).size).toBe(listedLineages.length)
  for (const [i, device] of devices.entries()) {
    const reached = device.cookie === null ? null : (await onCurrentId(await refFor(device.cookie), (r) => store.load(r.key, now))).value
    const boundHere = reached?.user?.id === user ? reached : null
    if (ended.has(i)) {
      expect(listedLineages, `device ${i} was ended but is listed`).not.toContain(device.lineage)
      expect(boundHere === null || lineageOf(boundHere) !== device.lineage, `device ${i} was ended but its session lives`).toBe(true)
      continue
    }
    expect(boundHere, `device ${i} lost its session`).not.toBeNull()
    expect(lineageOf(boundHere!)).toBe(device.lineage)
    expect(listedLineages).toContain(device.lineage)
    expect(boundHere!.data.n ?? 0, `device ${i}: stored count against acknowledged visits`).toBe(device.acknowledged)
  }
  // Of the devices logged in before the history, only the survivors are listed (newcomers are checked by checkIndex).
  const survivors = devices.filter((_, i) => !ended.has(i)).map((d) => d.lineage)
  for (const lineage of listedLineages) if (devices.some((d) => d.lineage === lineage)) expect(survivors).toContain(lineage)
}
