import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest'
import { cookieClient, CookieJar } from '../support/cookie-jar.js'
import { endpoint, freshTable } from '../support/dynamodb.js'
import { SECRET } from '../support/secrets.js'
import type { ServerProcess } from '../support/server-process.js'
import { startDynamoDbProxy, type DynamoDbProxy } from '../reliability/support/dynamodb-proxy.js'
import { startWorker } from './worker-server.js'

/** The Worker's deadline for one DynamoDB call, retries included. */
const DEADLINE_MS = 1500
/** What a 503 may take beyond the deadline on a busy two-core machine. */
const SLACK_MS = 1500

describe('the Worker on workerd while its DynamoDB hangs or is gone', () => {
  let table: Awaited<ReturnType<typeof freshTable>>
  let proxy: DynamoDbProxy
  let worker: ServerProcess

  beforeAll(async () => {
    table = await freshTable('worker-outage')
    proxy = await startDynamoDbProxy(endpoint())
    worker = await startWorker({
      SESSION_STORE: 'dynamodb',
      DYNAMODB_ENDPOINT: proxy.endpoint,
      SESSION_TABLE: table.tableName,
      SESSION_SECRET: SECRET,
      SESSION_CREATE_TABLE: 'false',
      DYNAMODB_TIMEOUT_MS: String(DEADLINE_MS),
      LOG_LEVEL: 'info',
    })
  })
  afterAll(async () => {
    await worker?.kill()
    await proxy?.close()
    await table?.drop()
  })

  const timed = async (request: () => Promise<Response>) => {
    const started = performance.now()
    const response = await request()
    const body = await response.text()
    return { response, body, elapsedMs: performance.now() - started }
  }

  /** A 503 that tells the client when to retry and sets no cookie. */
  const expectRetryLater = ({ response }: { response: Response }) => {
    expect(response.status).toBe(503)
    expect(response.headers.get('retry-after')).toMatch(/^\d+$/)
    expect(response.headers.getSetCookie()).toEqual([])
  }

  it('answers 503 with Retry-After once the deadline passes while DynamoDB hangs, keeps /healthz up, and counts on afterwards', async () => {
    onTestFailed(() => console.error(worker.output()))
    const alice = cookieClient(fetch, new CookieJar(), worker.url)
    await alice.request('/private')
    expect(await (await alice.request('/private')).text()).toBe('The /private page has been visited 2 times.')

    // Every call is held and never answered, as by a store that froze.
    proxy.setRule(() => new Promise(() => {}))
    for (const request of [() => alice.request('/private'), () => fetch(`${worker.url}/private`)]) {
      const answer = await timed(request)
      expectRetryLater(answer)
      expect(answer.elapsedMs).toBeGreaterThanOrEqual(DEADLINE_MS - 100)
      expect(answer.elapsedMs).toBeLessThan(DEADLINE_MS + SLACK_MS)
    }
    expect((await fetch(`${worker.url}/healthz`)).status).toBe(200)
    const ready = await timed(() => fetch(`${worker.url}/readyz`))
    expect(ready.response.status).toBe(503)
    expect(ready.elapsedMs).toBeLessThan(DEADLINE_MS + SLACK_MS)

    proxy.setRule(() => 'forward')
    // The held calls were never passed on, so nothing of them was applied.
    expect(await (await alice.request('/private')).text()).toBe('The /private page has been visited 3 times.')
  })

  it('answers 503 quickly when nothing listens at the DynamoDB address any more', async () => {
    const alice = cookieClient(fetch, new CookieJar(), worker.url)
    expect((await alice.request('/private')).status).toBe(200)
    await proxy.close()
    for (const request of [() => alice.request('/private'), () => fetch(`${worker.url}/private`)]) {
      const answer = await timed(request)
      expectRetryLater(answer)
      expect(answer.elapsedMs).toBeLessThan(DEADLINE_MS + SLACK_MS)
    }
    expect(worker.process.exitCode).toBeNull()
    expect(worker.output()).not.toMatch(/"level":(50|60)/)
  })
})
