// `npm run dev`: DynamoDB Local (data kept in .data/dynamodb) plus the server,
// restarted when a file under src/ changes. Ctrl+C stops both; so does the end of
// this process however it comes (see dev-guard.ts). With DYNAMODB_ENDPOINT set,
// that DynamoDB is used instead; with SESSION_STORE=memory, none.
//
// Dev-only variables: DYNAMODB_LOCAL_PORT (default 8000), DYNAMODB_LOCAL_DIR (default .data/dynamodb).
import { ListTablesCommand } from '@aws-sdk/client-dynamodb'
import { dirname, join } from 'node:path'
import { startDevGuard, stopLeftovers } from './dev-guard.js'
import { watchServer, type WatchedServer } from './dev-server.js'
import { dataHint, dynamoDbLocalOutput } from './dynamodb-local-output.js'
import { JavaMissingError, portInUse, PortInUseError, startDynamoDbLocal, type DynamoDbLocal } from './dynamodb-local.js'
import { createDynamoDbClient } from '../src/server/dynamodb-client.js'

const JAR_MARKER = 'DynamoDBLocal.jar'

async function main(): Promise<void> {
  const port = Number(process.env.DYNAMODB_LOCAL_PORT ?? 8000)
  if (!Number.isInteger(port) || port < 1 || port > 65535) fail('DYNAMODB_LOCAL_PORT must be a port number (1 to 65535)')
  const dataDir = process.env.DYNAMODB_LOCAL_DIR ?? '.data/dynamodb'
  const record = join(dirname(dataDir), 'dev-processes.json')

  const stopped = await stopLeftovers(record)
  if (stopped > 0) console.error(`[dev] stopped ${stopped} process(es) a previous npm run dev left running`)
  const guard = startDevGuard(record)

  let local: DynamoDbLocal | undefined
  let server: WatchedServer | undefined
  let stopping = false
  const stop = async (code: number) => {
    if (stopping) return
    stopping = true
    await server?.stop()
    await local?.stop()
    process.exit(code)
  }
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void stop(0))

  let endpoint = process.env.DYNAMODB_ENDPOINT
  if (!endpoint && process.env.SESSION_STORE !== 'memory') {
    if (await portInUse(port)) fail(portTaken(port))
    const output = dynamoDbLocalOutput(dataDir, (text) => console.error(text))
    try {
      local = await startDynamoDbLocal({
        port,
        dbPath: dataDir,
        log: output.line,
        onSpawn: (java) => guard.watch(java, JAR_MARKER),
      })
    } catch (error) {
      if (error instanceof JavaMissingError) fail(error.message)
      if (error instanceof PortInUseError) fail(portTaken(port))
      fail(`Could not start DynamoDB Local on port ${port}: ${(error as Error).message}`)
    }
    endpoint = local.endpoint
    // DynamoDB Local opens its data on the first call: make one, so a damaged folder shows now, not as 30 retries.
    const problem = await firstCall(endpoint)
    if (problem) {
      console.error(`DynamoDB Local does not answer: ${problem}`)
      if (!output.dataProblem()) console.error(dataHint(dataDir))
      await local.stop()
      process.exit(1)
    }
    console.log(`DynamoDB Local on ${endpoint} (data in ${dataDir}; it listens on every network interface, see docs/demo-server.md)`)
  }

  server = watchServer({
    env: {
      ...process.env,
      SESSION_STORE: process.env.SESSION_STORE ?? 'dynamodb',
      ...(endpoint ? { DYNAMODB_ENDPOINT: endpoint } : {}),
    },
    guard,
    onFirstExit: (code) => {
      console.error(`[dev] the server did not start (exit code ${code}); stopping`)
      void stop(code === 0 ? 1 : code)
    },
  })
}

const portTaken = (port: number) =>
  [
    `port ${port} is in use, so DynamoDB Local cannot listen there (another program, a second npm run dev, or one left over).`,
    `Stop whatever holds it (lsof -i :${port}), or pick another port with DYNAMODB_LOCAL_PORT=${port + 1},`,
    'or set DYNAMODB_ENDPOINT to a DynamoDB that is already running.',
  ].join('\n')

/** Null when DynamoDB Local answers a ListTables, else what went wrong. */
async function firstCall(endpoint: string): Promise<string | null> {
  const client = createDynamoDbClient({ endpoint, timeoutMs: 10_000 })
  try {
    await client.send(new ListTablesCommand({ Limit: 1 }))
    return null
  } catch (error) {
    return `${(error as Error).name}: ${(error as Error).message}`
  } finally {
    client.destroy()
  }
}

function fail(message: string): never {
  console.error(message)
  process.exit(1)
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
