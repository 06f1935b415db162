import { afterEach, beforeEach } from 'vitest'
import { RequestSession } from '../domain/request-session.js'
import { newStoredSession, type SessionPolicy, type StoredSession } from '../domain/session.js'
import { generateSessionId, storageKeyFor } from '../domain/session-id.js'
import type { SessionRepository } from '../domain/session-repository.js'

/** What a factory gives the contract: a fresh, isolated repository, and how to release it. */
export interface ContractSubject {
  readonly repository: SessionRepository
  /** Called after each test that made the subject; default: nothing to release. */
  cleanup?(): Promise<void>
}

/** Options the contract asks a factory to honour; a store without a per-user cap of its own must pass them on. */
export interface ContractOptions {
  /** Most sessions one user may hold: a login beyond it ends the user's oldest session. */
  readonly maxSessionsPerUser?: number
}

/** Builds the store under test; called once per test, with options for the tests that need a setting. */
export type ContractFactory = (options?: ContractOptions) => Promise<ContractSubject>

export const NOW = Math.floor(Date.now() / 1000)
export const LIFETIME = { ttlSeconds: 3600, maxAgeSeconds: 7 * 86400 }
export const POLICY: SessionPolicy = { ...LIFETIME, refreshThreshold: 0.5, maxBytes: 300_000, renewSeconds: 0, renewGraceSeconds: 30 }

export const randomKey = (): Promise<string> => storageKeyFor(generateSessionId())

/** A new session under a random key, holding `data`. */
export async function stored(data: Record<string, unknown> = {}, overrides: Partial<StoredSession> = {}): Promise<StoredSession> {
  return { ...newStoredSession(await randomKey(), data, NOW, LIFETIME), ...overrides }
}

/** A session id whose session already exists in the repository, with `data`. */
export async function existingId(repository: SessionRepository, data: Record<string, unknown>): Promise<string> {
  const id = generateSessionId()
  await repository.create(newStoredSession(await storageKeyFor(id), data, NOW, LIFETIME))
  return id
}

/** One request's session over `repository`, as the middleware makes it. */
export const unitFor = (repository: SessionRepository, id: string | null): RequestSession => new RequestSession(repository, POLICY, () => NOW, id)

/** The factory, with every subject it makes during a test released after that test. Call it inside a describe. */
export function releasedAfterEach(factory: ContractFactory): ContractFactory {
  const made: ContractSubject[] = []
  afterEach(async () => {
    for (const subject of made.splice(0)) await subject.cleanup?.()
  })
  return async (options) => {
    const subject = await factory(options)
    made.push(subject)
    return subject
  }
}

/** A fresh subject for each test of the enclosing describe, released after it; returns the current repository. */
export function freshRepositoryEachTest(factory: ContractFactory): () => SessionRepository {
  const make = releasedAfterEach(factory)
  let repository: SessionRepository | null = null
  beforeEach(async () => {
    repository = (await make()).repository
  })
  return () => {
    if (!repository) throw new Error('the contract repository is only available inside a test')
    return repository
  }
}
