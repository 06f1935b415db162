import { freePort } from '../../scripts/dynamodb-local.js'
import { spawnAndWaitForHealth, type ServerProcess } from '../support/server-process.js'

/** `npm run start:worker` without npm in between: after its preparation the shell execs workerd. */
export const START_WORKER = ['bash', ['scripts/start-worker.sh']] as const

/**
 * Starts the demo app on workerd (scripts/start-worker.sh) on `port` (a free one by
 * default) and waits until GET /healthz answers. Once it answers, the process is
 * workerd itself, so killing it kills the server.
 */
export async function startWorker(env: Record<string, string>, port?: number): Promise<ServerProcess> {
  return spawnAndWaitForHealth(
    START_WORKER[0],
    START_WORKER[1],
    // A generous DynamoDB deadline by default, as for startServer; outage tests set their own.
    { NODE_ENV: 'test', LOG_LEVEL: 'warn', DYNAMODB_TIMEOUT_MS: '10000', ...env },
    port ?? (await freePort()),
    { name: 'workerd', timeoutMs: 60_000, pollMs: 100 },
  )
}
