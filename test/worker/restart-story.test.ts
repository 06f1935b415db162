import { expectRestartStoryStored } from '../support/dynamodb-server.js'
import { readFileSync } from 'node:fs'
import { afterAll, describe, expect, it, onTestFailed } from 'vitest'
import { cookieClient } from '../support/cookie-jar.js'
import { endpoint, uniqueTableName } from '../support/dynamodb.js'
import { killAndRestart, type ServerProcess } from '../support/server-process.js'
import { startWorker } from './worker-server.js'

/** The program a process runs, from /proc: shows the launcher's shell became workerd. */
const programOf = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').slice(0, 2).join(' ')

describe('the restart story on workerd, against DynamoDB Local', () => {
  const table = uniqueTableName('worker-restart')
  // No SESSION_CREATE_TABLE: the launcher creates the table on a fresh DynamoDB Local, before workerd starts.
  const env = { SESSION_STORE: 'dynamodb', DYNAMODB_ENDPOINT: endpoint(), SESSION_TABLE: table, LOG_LEVEL: 'info' }
  const started: ServerProcess[] = []
  const start = async (port?: number) => {
    const server = await startWorker(env, port)
    started.push(server)
    return server
  }
  afterAll(async () => {
    await Promise.all(started.map((s) => s.kill()))
  })

  it('counts 1, 2, keeps counting at 3 after workerd is SIGKILLed and started again; a second visitor starts at 1', async () => {
    onTestFailed(() => {
      for (const s of started) console.error(`workerd on port ${s.port} printed:\n${s.output()}`)
    })
    let server = await start()
    expect(programOf(server.process.pid!)).toMatch(/workerd serve$/)
    const alice = cookieClient(fetch)
    const visit = async (client = alice) => (await client.request(`${server.url}/private`)).text()
    expect(await visit()).toBe('The /private page has been visited 1 times.')
    expect(await visit()).toBe('The /private page has been visited 2 times.')

    server = await killAndRestart(server, start)

    expect(await visit()).toBe('The /private page has been visited 3 times.')
    expect(await visit(cookieClient(fetch))).toBe('The /private page has been visited 1 times.')

    await expectRestartStoryStored(table)
    // The Worker's own log lines, from workerd's stdout: one per request, nothing at error level.
    expect(server.output()).toContain('"runtime":"workerd"')
    expect(server.output()).toMatch(/"path":"\/private","status":200/)
    expect(server.output()).not.toMatch(/"level":(50|60)/)
    // Built once per isolate, not per request: the start-up warning (no SESSION_SECRET) shows once for two requests.
    expect(server.output().match(/SESSION_SECRET is not set/g)).toHaveLength(1)
  })

  // workerd exits 0 on SIGTERM; on SIGINT (Ctrl-C) it ends by that signal, as interrupted programs do.
  it.each([
    ['SIGTERM', { code: 0, signal: null }],
    ['SIGINT', { code: null, signal: 'SIGINT' }],
  ] as const)('stops on %s (%j) and frees its port', async (signal, ending) => {
    const server = await start()
    expect((await fetch(`${server.url}/private`)).status).toBe(200)
    await server.kill(signal)
    expect({ code: server.process.exitCode, signal: server.process.signalCode }).toEqual(ending)
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow()
  })
})
