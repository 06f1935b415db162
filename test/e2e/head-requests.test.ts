import { afterEach, describe, expect, it } from 'vitest'
import { endpoint, uniqueTableName } from '../support/dynamodb.js'
import { cookieClient } from '../support/cookie-jar.js'
import { startServer, type ServerProcess } from '../support/server-process.js'
import { startDynamoDbProxy, type DynamoDbProxy } from '../reliability/support/dynamodb-proxy.js'

describe('HEAD never counts a visit or writes (real server, DynamoDB Local behind a call-recording proxy)', () => {
  let proxy: DynamoDbProxy | undefined
  let server: ServerProcess | undefined
  afterEach(async () => {
    await server?.kill('SIGKILL')
    await proxy?.close()
  })

  it('HEAD / and HEAD /private make no DynamoDB call and set no cookie, with or without a session', async () => {
    proxy = await startDynamoDbProxy(endpoint())
    server = await startServer({
      SESSION_STORE: 'dynamodb',
      DYNAMODB_ENDPOINT: proxy.endpoint,
      SESSION_TABLE: uniqueTableName('head'),
      // Every read would push the expiry forward with a write: HEAD / must not even read.
      SESSION_REFRESH_THRESHOLD: '1',
    })
    const visitor = cookieClient(fetch)
    expect(await (await visitor.request(`${server.url}/private`)).text()).toBe('The /private page has been visited 1 times.')

    const before = proxy.calls.length
    for (const path of ['/private', '/', '/private']) {
      const known = await visitor.request(`${server.url}${path}`, { method: 'HEAD' })
      expect(known.status).toBe(200)
      expect(known.headers.get('content-type')).toMatch(path === '/' ? /^text\/html/ : /^text\/plain/)
      expect(known.headers.getSetCookie()).toEqual([])
      const stranger = await fetch(`${server.url}${path}`, { method: 'HEAD' })
      expect(stranger.status).toBe(200)
      expect(stranger.headers.getSetCookie()).toEqual([])
    }
    expect(proxy.calls.slice(before).map((c) => c.operation)).toEqual([])

    // The count went on from 1: none of the HEADs was a visit.
    expect(await (await visitor.request(`${server.url}/private`)).text()).toBe('The /private page has been visited 2 times.')
    // And a GET / does read (the proxy sees it), so the silence above is not the proxy missing calls.
    const beforeHome = proxy.calls.length
    expect((await visitor.request(`${server.url}/`)).status).toBe(200)
    expect(proxy.calls.length).toBeGreaterThan(beforeHome)
  })
})
