import fc from 'fast-check'
import { afterAll, beforeAll, describe, it } from 'vitest'
import { MemorySessionRepository } from '../../src/adapters/memory-session-repository.js'
import { freshTable } from '../support/dynamodb.js'
import { commandsArbitrary, runHistory } from './interleavings.js'

describe('identity changes under random interleavings, checked against the lifecycle model', () => {
  it('memory store: visits, failed visits, logouts and revocations racing renewals keep every guarantee', async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), commandsArbitrary, async (s, commands) => {
        await runHistory(new MemorySessionRepository({ maxSessionsPerUser: 10 }), s, commands)
      }),
      { numRuns: 150 },
    )
  })

  describe('on DynamoDB Local', () => {
    let table: Awaited<ReturnType<typeof freshTable>>
    beforeAll(async () => {
      table = await freshTable('interleavings')
    })
    afterAll(async () => {
      await table.drop()
    })

    it('DynamoDB store: visits, failed visits, logouts and revocations racing renewals keep every guarantee', async () => {
      // One table for all runs: every history has its own user and fresh ids.
      await fc.assert(
        fc.asyncProperty(fc.scheduler(), commandsArbitrary, async (s, commands) => {
          await runHistory(table.repository, s, commands)
        }),
        { numRuns: 40 },
      )
    })
  })
})
