// The first half of `npm run start:worker` (scripts/start-worker.sh runs it, then
// execs workerd): validates the environment exactly as the Worker will, does what
// a Worker cannot do (create or check the sessions table), bundles the Worker and
// writes workerd's config next to the bundle. Logs go to stderr as JSON lines;
// stdout carries only the config's path, for the shell to hand to workerd.
import { mkdir, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import { ConfigError, type Config } from '../src/server/config.js'
import { prepareWithRetry } from '../src/server/compose.js'
import { buildStore } from '../src/server/store.js'
import { createDynamoDbClient } from '../src/server/dynamodb-client.js'
import { loadWorkerConfig, WORKER_VARIABLES } from '../src/server/worker-config.js'
import { bundleWorker } from './worker-bundle.js'
import { COMPATIBILITY_DATE, workerdConfig } from './workerd-config.js'

type Log = pino.Logger

function configOrExit(env: NodeJS.ProcessEnv): Config {
  try {
    return loadWorkerConfig(env).config
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    for (const line of error.message.split('\n')) console.error(`Configuration error: ${line}`)
    process.exit(1)
  }
}

/** Creates the table (SESSION_CREATE_TABLE=true) or checks it exists, waiting for a DynamoDB that is still starting. */
async function prepareTable(config: Config, log: Log): Promise<void> {
  if (config.store !== 'dynamodb') return
  // The same table step as `npm start`, run here because a Worker cannot create tables.
  const store = buildStore({ config, connect: () => createDynamoDbClient(config.dynamodb) })
  try {
    await prepareWithRetry(store, log)
  } finally {
    store.close()
  }
}

async function main(): Promise<void> {
  const config = configOrExit(process.env)
  const log = pino({ level: config.logLevel, base: undefined }, pino.destination({ dest: 2, sync: true }))
  await prepareTable(config, log)

  // One folder per port: two launchers never share one, and a restart reuses it.
  const dir = join(tmpdir(), 'hono-dynamodb-session-worker', String(config.port))
  await mkdir(dir, { recursive: true })
  const bundle = await bundleWorker(join(dir, 'worker.js'))
  const host = config.host.includes(':') ? `[${config.host}]` : config.host
  const configPath = join(dir, 'workerd.capnp')
  await writeFile(
    configPath,
    workerdConfig({
      module: 'worker.js',
      address: `${host}:${config.port}`,
      bindings: WORKER_VARIABLES,
      allowLocalNetwork: config.dynamodb.endpoint !== undefined,
      compatibilityDate: COMPATIBILITY_DATE,
    }),
  )
  log.info(
    { port: config.port, host: config.host, store: config.store, runtime: 'workerd', bundleBytes: bundle.bytes },
    `starting workerd on http://${host}:${config.port}`,
  )
  process.stdout.write(`${configPath}\n`)
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
