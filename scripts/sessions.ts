// Operator CLI over the sessions table: npm run sessions -- count|list|purge-expired|revoke-user
// Reads the same environment as the server (SESSION_STORE=dynamodb, SESSION_TABLE,
// DYNAMODB_ENDPOINT, AWS_REGION, ...). The work lives in src/adapters/dynamodb-session-admin.ts.
import { ResourceNotFoundException } from '@aws-sdk/client-dynamodb'
import { createDynamoDbClient } from '../src/server/dynamodb-client.js'
import { DynamoDbSessionAdmin, type ScanProgress, type SessionSummary } from '../src/adapters/dynamodb-session-admin.js'
import { ConfigError, loadStoreConfig, type StoreConfig } from '../src/server/config.js'
import { toEpochSeconds } from '../src/domain/session.js'
import { formatCensus, takeCensus } from './session-census.js'
import { buildStore } from '../src/server/store.js'
import { listUser, revokeUser, ttlSecondsFrom, userIdProblem } from './user-sessions.js'

/** DynamoDB's Scan Limit is a 32-bit number; pages are capped at 1 MB anyway. */
const MAX_PAGE_SIZE = 1_000_000

const USAGE = `Usage: npm run sessions -- <command> [options]

Commands:
  count            live and expired sessions, and other items (e.g. connect-dynamodb's)
                   counted apart
  list             one line per session: storage key, createdAt, expires, maxExpires,
                   version, approximate size, expired (never the session data)
  purge-expired    delete sessions whose idle or absolute deadline has passed
                   (a session refreshed meanwhile is kept)
  list --user ID   the live sessions of one user, from the user index (no Scan):
                   storage key, createdAt, last seen, expires, device
  revoke-user ID   end every session of one user at once (log out everywhere),
                   with a progress line on stderr

Options:
  --page-size N    items per Scan page, 1 to ${MAX_PAGE_SIZE} (default: DynamoDB's 1 MB pages)
  --progress       show the "scanned N items" line even when stderr is not a terminal

Configuration comes from the environment, as for the server, but only what locates the
table is read: SESSION_STORE=dynamodb, SESSION_TABLE (default sessions), DYNAMODB_ENDPOINT
(for DynamoDB Local), AWS_REGION, DYNAMODB_TIMEOUT_MS; list --user also reads
SESSION_TTL_SECONDS (default 86400) to tell when a session was last seen.`

/** Exit codes: 0 done, 1 failed, 2 wrong usage or configuration. */
async function main(argv: readonly string[]): Promise<number> {
  const options = parseArguments(argv)
  if ('help' in options) {
    console.log(USAGE)
    return 0
  }
  if ('error' in options) {
    console.error(`${options.error}\n\n${USAGE}`)
    return 2
  }

  const ttlSeconds = ttlSecondsFrom(process.env)
  if (typeof ttlSeconds === 'string') {
    console.error(`Configuration error: ${ttlSeconds}`)
    return 2
  }
  let config: StoreConfig
  try {
    config = loadStoreConfig(process.env)
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    for (const line of error.message.split('\n')) console.error(`Configuration error: ${line}`)
    return 2
  }
  if (config.store !== 'dynamodb') {
    console.error(
      'The sessions CLI works on the DynamoDB store, and SESSION_STORE is ' +
        `${config.storeDefaulted ? 'not set' : `"${config.store}"`}: the memory store lives inside the server process.\n` +
        'Set SESSION_STORE=dynamodb (plus SESSION_TABLE, and DYNAMODB_ENDPOINT for DynamoDB Local).',
    )
    return 2
  }

  // A Scan page can take longer than a session read; the per-request server deadline is too tight here.
  const timeoutMs = Math.max(config.dynamodb.timeoutMs, 10_000)
  const client = createDynamoDbClient({ ...config.dynamodb, timeoutMs })
  const admin = new DynamoDbSessionAdmin({ client, tableName: config.dynamodb.table, pageSize: options.pageSize })
  const progress = progressLine(options.progress || process.stderr.isTTY === true)
  const now = toEpochSeconds(Date.now())
  const repository = () => buildStore({ config, connect: () => client, timeoutMs }).repository
  try {
    if (options.command === 'list' && options.user !== undefined) {
      for (const line of await listUser(repository(), options.user, ttlSeconds, now)) console.log(line)
      return 0
    }
    switch (options.command) {
      case 'revoke-user': {
        const ended = await revokeUser(repository(), options.user!, now, (line) => console.error(line))
        console.log(`revoked: ${ended}`)
        break
      }
      case 'count': {
        const census = await takeCensus(admin.list(now, progress.update))
        progress.done()
        console.log(formatCensus(census))
        break
      }
      case 'list': {
        console.log(formatRow(HEADER))
        for await (const summary of admin.list(now, progress.update)) {
          progress.clear()
          console.log(formatRow(toColumns(summary)))
        }
        progress.done()
        break
      }
      case 'purge-expired': {
        const result = await admin.purgeExpired(now, progress.update)
        progress.done()
        console.log(
          `scanned: ${result.scanned}\ndeleted: ${result.deleted}\n` +
            `skipped: ${result.skipped} (refreshed or already gone since the scan)`,
        )
        break
      }
    }
    return 0
  } catch (error) {
    progress.done()
    if (error instanceof ResourceNotFoundException) {
      console.error(`Table "${config.dynamodb.table}" not found (${config.dynamodb.endpoint ?? 'AWS'}). Check SESSION_TABLE.`)
    } else {
      const e = error as Error
      console.error(`Failed: ${e.name}: ${e.message}`)
    }
    return 1
  } finally {
    client.destroy()
  }
}

type Command = 'count' | 'list' | 'purge-expired' | 'revoke-user'
const COMMANDS: readonly string[] = ['count', 'list', 'purge-expired', 'revoke-user']

type Parsed =
  | { command: Command; pageSize: number | undefined; progress: boolean; user: string | undefined }
  | { help: true }
  | { error: string }

function parseArguments(argv: readonly string[]): Parsed {
  let command: string | undefined
  let pageSize: number | undefined
  let progress = false
  let user: string | undefined
  let userOption = false
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === '--help' || arg === '-h' || arg === 'help') return { help: true }
    if (arg === '--progress') progress = true
    else if (arg === '--user' || arg.startsWith('--user=')) {
      user = arg === '--user' ? argv[++i] : arg.slice('--user='.length)
      userOption = true
      const problem = userIdProblem(user, '--user')
      if (problem) return { error: problem }
    } else if (command === 'revoke-user' && user === undefined && !arg.startsWith('-')) user = arg
    else if (arg === '--page-size' || arg.startsWith('--page-size=')) {
      const value = arg === '--page-size' ? argv[++i] : arg.slice('--page-size='.length)
      pageSize = pageSizeOf(value)
      if (pageSize === undefined) return { error: `--page-size needs a whole number from 1 to ${MAX_PAGE_SIZE} (got ${value ?? 'nothing'})` }
    } else if (arg.startsWith('-')) return { error: `Unknown option ${arg}` }
    else if (command) return { error: `One command at a time (got ${command} and ${arg})` }
    else command = arg
  }
  if (!command || !COMMANDS.includes(command)) return { error: command ? `Unknown command "${command}"` : 'Name a command' }
  if (command === 'revoke-user') {
    if (userOption) return { error: 'revoke-user takes the user id as its argument: revoke-user <userId>' }
    const problem = userIdProblem(user, 'revoke-user')
    if (problem) return { error: problem }
  } else if (user !== undefined && command !== 'list') return { error: `--user goes with list only (got ${command})` }
  return { command: command as Command, pageSize, progress, user }
}

function pageSizeOf(value: string | undefined): number | undefined {
  if (value === undefined || !/^[0-9]{1,7}$/.test(value)) return undefined
  const n = Number(value)
  return n >= 1 && n <= MAX_PAGE_SIZE ? n : undefined
}

/** "scanned N items…" on stderr, rewritten in place; nothing when switched off. */
function progressLine(enabled: boolean): { update: ScanProgress; clear(): void; done(): void } {
  let shown = false
  const clear = () => {
    if (shown) process.stderr.write('\r\x1b[K')
    shown = false
  }
  return {
    update: ({ scanned, deleted }) => {
      if (!enabled) return
      process.stderr.write(`\rscanned ${scanned} items${deleted ? `, deleted ${deleted}` : ''}…`)
      shown = true
    },
    clear,
    done: clear,
  }
}

const HEADER = ['key', 'createdAt', 'expires', 'maxExpires', 'version', 'bytes', 'expired']
const WIDTHS = [43, 20, 20, 20, 7, 7, 7]

const formatRow = (columns: readonly string[]) =>
  columns.map((c, i) => (i === columns.length - 1 ? c : c.padEnd(WIDTHS[i]!))).join('  ')

const isoSeconds = (epoch: number | null) => (epoch === null ? '-' : new Date(epoch * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'))

const toColumns = (s: SessionSummary): string[] => [
  s.key,
  isoSeconds(s.createdAt),
  isoSeconds(s.expires),
  isoSeconds(s.maxExpires),
  s.version === null ? '-' : String(s.version),
  String(s.approxBytes),
  s.expired ? 'yes' : 'no',
]

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    console.error(error)
    process.exit(1)
  },
)
