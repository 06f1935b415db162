import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { endpoint, freshTable } from '../support/dynamodb.js'
import { startDynamoDbProxy, type DynamoDbProxy } from '../reliability/support/dynamodb-proxy.js'
import { startWorker } from './worker-server.js'

describe('workerd on SIGTERM', () => {
  let table: Awaited<ReturnType<typeof freshTable>>
  let proxy: DynamoDbProxy

  beforeAll(async () => {
    table = await freshTable('worker-drain')
    proxy = await startDynamoDbProxy(endpoint())
  })
  afterAll(async () => {
    await proxy?.close()
    await table?.drop()
  })

  it('finishes the request in flight (its DynamoDB write held until after the signal), saves it, then exits 0', async () => {
    const worker = await startWorker({
      SESSION_STORE: 'dynamodb',
      DYNAMODB_ENDPOINT: proxy.endpoint,
      SESSION_TABLE: table.tableName,
      SESSION_CREATE_TABLE: 'false',
    })
    try {
      let release: (() => void) | undefined
      proxy.setRule(() => new Promise((ok) => (release = () => ok('forward'))))
      const inFlight = fetch(`${worker.url}/private`)
      await expect.poll(() => release, { timeout: 10_000 }).toBeDefined()

      const exited = worker.kill('SIGTERM')
      await new Promise((resolve) => setTimeout(resolve, 300))
      expect(worker.process.exitCode).toBeNull()
      release!()

      const response = await inFlight
      expect(await response.text()).toBe('The /private page has been visited 1 times.')
      expect(await exited).toBe(0)
      expect(await table.scan()).toHaveLength(1)
    } finally {
      await worker.kill()
    }
  })
})
