import { afterEach, describe, expect, it, onTestFailed } from 'vitest'
import { endpoint, uniqueTableName } from '../support/dynamodb.js'
import { cookieClient } from '../support/cookie-jar.js'
import { killAndRestart, type ServerProcess } from '../support/server-process.js'
import { startRuntimeServer, type Runtime } from './runtime-server.js'

describe.each<Runtime>(['bun', 'deno'])('the app under %s, on DynamoDB Local', (runtime) => {
  const started: ServerProcess[] = []
  const start = async (env: Record<string, string>, port?: number) => {
    const server = await startRuntimeServer(runtime, env, port)
    started.push(server)
    return server
  }
  afterEach(async () => {
    await Promise.all(started.map((s) => s.kill()))
  })

  it('counts 1, 2, keeps counting at 3 after a SIGKILL and restart on the same port, and stops cleanly on SIGTERM', async () => {
    onTestFailed(() => {
      for (const s of started) console.error(`${runtime} on port ${s.port} printed:\n${s.output()}`)
    })
    const env = {
      SESSION_STORE: 'dynamodb',
      DYNAMODB_ENDPOINT: endpoint(),
      SESSION_TABLE: uniqueTableName(runtime),
      // A freshly started DynamoDB Local (cold JVM) on a busy machine can take seconds per call;
      // this test is about the runtime, not about the deadline.
      DYNAMODB_TIMEOUT_MS: '15000',
      LOG_LEVEL: 'info',
    }
    let server = await start(env)
    const visitor = cookieClient(fetch)
    const visit = async () => (await visitor.request(`${server.url}/private`)).text()

    expect(await visit()).toBe('The /private page has been visited 1 times.')
    expect(await visit()).toBe('The /private page has been visited 2 times.')

    server = await killAndRestart(server, (port) => start(env, port))
    expect(await visit()).toBe('The /private page has been visited 3 times.')

    await server.kill('SIGTERM')
    // The entry says which runtime served, so a silent fallback to Node would show.
    expect(server.output()).toContain(`"runtime":"${runtime}"`)
    expect(server.output()).toContain('"msg":"stopped"')
    expect(server.output()).not.toMatch(/"level":(50|60)/)
  })
})
