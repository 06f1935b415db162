import { describe, expect, it } from 'vitest'
import { MemorySessionRepository } from '../../src/adapters/memory-session-repository.js'
import { newStoredSession } from '../../src/domain/session.js'
import { generateSessionId, storageKeyFor } from '../../src/domain/session-id.js'
import { sessionRepositoryContract } from '../../src/testing/index.js'

// With latency, as a network store: parallel requests interleave between their reads and
// their writes, so conditions and update()'s retries meet real conflicts.
sessionRepositoryContract('MemorySessionRepository with latencyMs: 1', async (options = {}) => ({
  repository: new MemorySessionRepository({ ...options, latencyMs: 1 }),
}))

describe('MemorySessionRepository limits', () => {
  const lifetime = { ttlSeconds: 60, maxAgeSeconds: 3600 }

  it('sweeps expired sessions out as new ones arrive, so cookieless traffic keeps memory flat', async () => {
    const repository = new MemorySessionRepository({ sweepIntervalSeconds: 60 })
    let now = 1_900_000_000
    // An hour of traffic, 50 new cookieless sessions a minute, each living 60 s.
    const sizes: number[] = []
    for (let minute = 0; minute < 60; minute++) {
      for (let i = 0; i < 50; i++) {
        await repository.create(newStoredSession(await storageKeyFor(generateSessionId()), { views: 1 }, now, lifetime))
      }
      sizes.push(repository.size)
      now += 61
    }
    expect(Math.max(...sizes)).toBeLessThanOrEqual(100)
    expect(sizes.at(-1)).toBeLessThanOrEqual(100)
  })

  it('holds at most maxSessions, dropping the least recently written', async () => {
    const repository = new MemorySessionRepository({ maxSessions: 3 })
    const now = 1_900_000_000
    const keys = await Promise.all([1, 2, 3, 4].map(() => storageKeyFor(generateSessionId())))
    for (const key of keys.slice(0, 3)) await repository.create(newStoredSession(key, {}, now, lifetime))
    // The first one is written again, so the second is now the oldest.
    await repository.increment(keys[0]!, 'views', 1, now + 60, now)
    await repository.create(newStoredSession(keys[3]!, {}, now, lifetime))
    expect(repository.size).toBe(3)
    expect(await repository.load(keys[1]!, now)).toBeNull()
    for (const key of [keys[0]!, keys[2]!, keys[3]!]) expect(await repository.load(key, now)).not.toBeNull()
  })
})
