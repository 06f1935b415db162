import { MemorySessionRepository } from '../../src/adapters/memory-session-repository.js'
import { sessionRepositoryContract } from './session-repository-contract.js'

sessionRepositoryContract('MemorySessionRepository', async () => ({
  repository: new MemorySessionRepository(),
  cleanup: async () => {},
}))
