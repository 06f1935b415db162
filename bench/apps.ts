// The apps under test, each started as its own process behind its own counting proxy,
// all on the one DynamoDB Local: ours (the built server, or another build of it), the
// Express baseline, the floor, and ours on workerd.
import type { DynamoDbLocal } from '../scripts/dynamodb-local.js'
import { freePort } from '../scripts/dynamodb-local.js'
import { spawnAndWaitForHealth } from '../test/support/server-process.js'
import { startApp, startCountingProxy, type Child } from './processes.js'
import type { Target } from './scenarios.js'
import { SECRET } from './settings.js'

export type AppKind = 'ours' | 'baseline' | 'floor' | 'worker'

/** Starts processes and stops them all at the end, whatever happened. */
export class Lineup {
  readonly #children: Child[] = []
  constructor(readonly dynamodb: DynamoDbLocal) {}

  /**
   * Starts one app and its proxy. `table` is the app's own table; `main` another build of
   * ours (a path to its server/main.js) instead of dist/server/main.js.
   */
  async start(name: string, kind: AppKind, table: string, main = 'dist/server/main.js', extraEnv: Record<string, string> = {}): Promise<Target> {
    const proxy = await startCountingProxy(this.dynamodb.endpoint)
    this.#children.push(proxy)
    const env = { SESSION_SECRET: SECRET, NODE_ENV: 'production', DYNAMODB_ENDPOINT: proxy.url, SESSION_TABLE: table }
    const port = await freePort()
    const app =
      kind === 'ours'
        ? await startApp([main], { ...env, SESSION_STORE: 'dynamodb', LOG_LEVEL: 'silent', ...extraEnv }, port)
        : kind === 'worker'
          ? // After its preparation the launcher execs workerd: the process measured is workerd itself.
            await spawnAndWaitForHealth('bash', ['scripts/start-worker.sh'], { ...env, SESSION_STORE: 'dynamodb', LOG_LEVEL: 'silent' }, port, {
              name: 'workerd',
              timeoutMs: 90_000,
              pollMs: 100,
            })
          : await startApp(['--import', 'tsx', `bench/${kind}/server.ts`], env, port)
    this.#children.push(app)
    return { name, url: app.url, proxy, appPid: app.process.pid, dynamodbPid: this.dynamodb.process.pid }
  }

  async stop(): Promise<void> {
    await Promise.all(this.#children.map((c) => c.stop()))
    await this.dynamodb.stop()
  }
}
