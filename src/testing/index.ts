// `hono-dynamodb-session/testing`: the contract every SessionRepository must keep, as
// a vitest suite. A store's test file calls sessionRepositoryContract with a factory;
// vitest (an optional peer dependency) runs it.

import type { ContractFactory } from './contract-support.js'
import { featuresContract } from './features-contract.js'
import { lifecycleContract } from './lifecycle-contract.js'
import { portContract } from './port-contract.js'
import { requestContract } from './request-contract.js'
import { usersContract } from './users-contract.js'

export type { ContractFactory, ContractOptions, ContractSubject } from './contract-support.js'

/**
 * Declares the SessionRepository contract for one store, as vitest tests: the port's
 * calls one by one, requests over it (conditions, atomic saves, concurrency), users
 * and their sessions, the identity lifecycle (logins, renewals, revocations racing),
 * and update(), flash messages and the per-session cookie choice. Call it at the top
 * level of a test file. `factory` is called for each test and must return a fresh
 * repository (or one whose keys cannot collide: every test uses random keys), honouring
 * `maxSessionsPerUser` when it is given.
 *
 * @example
 *   import { sessionRepositoryContract } from 'hono-dynamodb-session/testing'
 *   sessionRepositoryContract('MyStore', async (options) => ({ repository: new MyStore(options) }))
 */
export function sessionRepositoryContract(name: string, factory: ContractFactory): void {
  portContract(name, factory)
  requestContract(name, factory)
  usersContract(name, factory)
  lifecycleContract(name, factory)
  featuresContract(name, factory)
}
