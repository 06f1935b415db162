import { afterAll, beforeAll, describe } from 'vitest'
import { MemorySessionRepository } from '../../src/adapters/memory-session-repository.js'
import type { SessionRepository } from '../../src/domain/session-repository.js'
import { freshTable } from './dynamodb.js'
import { countSdkCalls } from './sdk-calls.js'

export interface StoreFixture {
  readonly kind: 'memory' | 'dynamodb'
  readonly repository: SessionRepository
  /** Whether a session is physically held under the key, expired or not (a retired id's marker is not a session). */
  holds(key: string): Promise<boolean>
  /** The DynamoDB operations sent so far, e.g. `PutItem` (empty for memory). */
  readonly commands: readonly string[]
}

/**
 * Declares the same tests for the memory store and for DynamoDB Local. Each
 * DynamoDB block gets one fresh table; tests stay apart because ids are random.
 */
export function describeEachStore(title: string, body: (store: () => StoreFixture) => void): void {
  for (const kind of ['memory', 'dynamodb'] as const) {
    describe(`${title} [${kind === 'memory' ? 'memory' : 'DynamoDB Local'}]`, () => {
      let fixture: StoreFixture
      let drop = async () => {}
      beforeAll(async () => {
        if (kind === 'memory') {
          const repository = new MemorySessionRepository()
          // Epoch second 0 lies before every deadline, so this sees expired items too.
          const holds = (key: string) => repository.load(key, 0).then((s) => s !== null, () => false)
          fixture = { kind, repository, holds, commands: [] }
          return
        }
        const table = await freshTable('security')
        const { operations: commands } = countSdkCalls(table.client)
        fixture = {
          kind,
          repository: table.repository,
          holds: async (key) => (await table.scan()).some((item) => item.id?.S === key && item.version !== undefined),
          commands,
        }
        drop = table.drop
      })
      afterAll(() => drop())
      body(() => fixture)
    })
  }
}
