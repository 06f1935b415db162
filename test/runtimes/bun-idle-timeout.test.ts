import { afterEach, describe, expect, it } from 'vitest'
import { startDynamoDbProxy, type DynamoDbProxy } from '../reliability/support/dynamodb-proxy.js'
import { visitor, waitFor } from '../reliability/support/visitors.js'
import { endpoint, uniqueTableName } from '../support/dynamodb.js'
import { startRuntimeServer, type RuntimeServer } from './runtime-server.js'

describe('under Bun, REQUEST_TIMEOUT_MS becomes Bun\'s idleTimeout', () => {
  let server: RuntimeServer | undefined
  let proxy: DynamoDbProxy | undefined
  afterEach(async () => {
    await server?.kill()
    await proxy?.close()
  })

  /** One visit whose UpdateItem the proxy holds for `holdMs`. */
  async function slowVisit(requestTimeoutMs: number, holdMs: number) {
    proxy = await startDynamoDbProxy(endpoint())
    server = await startRuntimeServer('bun', {
      SESSION_STORE: 'dynamodb',
      DYNAMODB_ENDPOINT: proxy.endpoint,
      SESSION_TABLE: uniqueTableName('bun-idle'),
      DYNAMODB_TIMEOUT_MS: '15000',
      HEADERS_TIMEOUT_MS: String(Math.min(requestTimeoutMs, 10_000)),
      REQUEST_TIMEOUT_MS: String(requestTimeoutMs),
    })
    const v = visitor()
    expect((await v.visit(server.url)).status).toBe(200)
    proxy.setRule(async (call) => {
      if (call.operation === 'UpdateItem') await new Promise((r) => setTimeout(r, holdMs))
      return 'forward' as const
    })
    const answer = v.visit(server.url)
    await waitFor(() => proxy!.calls.some((c) => c.operation === 'UpdateItem' && c.status === 0), 'the visit to reach DynamoDB')
    return answer
  }

  it('an answer that takes longer than REQUEST_TIMEOUT_MS loses its connection', async () => {
    // Held far past the timeout: Bun checks idle sockets on a coarse timer, more so on a busy machine.
    expect((await slowVisit(1000, 8000)).status).toBe(0)
  })

  it('the same answer within REQUEST_TIMEOUT_MS arrives', async () => {
    const answer = await slowVisit(10_000, 3500)
    expect(answer.status).toBe(200)
    expect(answer.count).toBe(2)
  })
})
