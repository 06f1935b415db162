// `npm run dev`: DynamoDB Local (data kept in .data/) plus the server in watch mode.
// Ctrl+C stops both. With DYNAMODB_ENDPOINT set, that DynamoDB is used instead.
import { spawn } from 'node:child_process'
import { JavaMissingError, startDynamoDbLocal, type DynamoDbLocal } from './dynamodb-local.js'

const DEV_PORT = 8000

async function main(): Promise<void> {
  let local: DynamoDbLocal | undefined
  let endpoint = process.env.DYNAMODB_ENDPOINT
  if (!endpoint && process.env.SESSION_STORE !== 'memory') {
    try {
      local = await startDynamoDbLocal({ port: DEV_PORT, dbPath: '.data/dynamodb' })
    } catch (error) {
      if (error instanceof JavaMissingError) {
        console.error(error.message)
        process.exit(1)
      }
      console.error(`Could not start DynamoDB Local on port ${DEV_PORT}: ${(error as Error).message}`)
      console.error('Is something else using the port? Set DYNAMODB_ENDPOINT to use a DynamoDB that is already running.')
      process.exit(1)
    }
    endpoint = local.endpoint
    console.log(`DynamoDB Local on ${endpoint} (data in .data/dynamodb)`)
  }

  const server = spawn(process.execPath, ['--import', 'tsx', '--watch', 'src/server/main.ts'], {
    stdio: 'inherit',
    env: {
      ...process.env,
      SESSION_STORE: process.env.SESSION_STORE ?? 'dynamodb',
      ...(endpoint ? { DYNAMODB_ENDPOINT: endpoint } : {}),
    },
  })

  let stopping = false
  const stop = async (code: number) => {
    if (stopping) return
    stopping = true
    server.kill('SIGTERM')
    await local?.stop()
    process.exit(code)
  }
  process.on('SIGINT', () => void stop(0))
  process.on('SIGTERM', () => void stop(0))
  server.on('exit', (code) => void stop(code ?? 0))
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
