import { resolve } from 'node:path'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'
import * as entry from '../../src/index.js'

// The main entry, one name per concept: what an application and a store's author need,
// each with a doc comment; nothing internal (the cookie signer, duplicate type names).

const ROOT = resolve(import.meta.dirname, '../..')

/** Every name src/index.ts exports (values and types), each with its doc comment. */
function exportsWithDocs(): Map<string, string> {
  const file = resolve(ROOT, 'src/index.ts')
  const program = ts.createProgram([file], { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, strict: true })
  const checker = program.getTypeChecker()
  const module = checker.getSymbolAtLocation(program.getSourceFile(file)!)!
  return new Map(
    checker.getExportsOfModule(module).map((symbol) => {
      const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol
      return [symbol.name, ts.displayPartsToString(target.getDocumentationComment(checker)).trim()]
    }),
  )
}

const VALUES = [
  'COOKIE_NAME_PATTERN',
  'ConnectDynamoDbSessionSource',
  'DynamoDbSessionRepository',
  'MAX_KEY_LENGTH',
  'MAX_VALUE_DEPTH',
  'MemorySessionRepository',
  'SESSION_DEFAULTS',
  'SessionConflictError',
  'SessionError',
  'SessionRetiredError',
  'SessionStoreUnavailableError',
  'SessionTableMissingError',
  'SessionTooLargeError',
  'SessionUsageError',
  'ensureSessionTable',
  'instrumentDynamoDbClient',
  'instrumentRepository',
  'secretsProblem',
  'sessionErrorResponse',
  'sessionMiddleware',
  'sessionTelemetry',
]

const TYPES = [
  'ConnectDynamoDbSourceOptions',
  'DeviceSession',
  'DynamoDbSessionRepositoryOptions',
  'EnsureTableOptions',
  'IdentityChangeName',
  'Increment',
  'JsonValue',
  'LegacyOptions',
  'LegacySessionSource',
  'MemorySessionRepositoryOptions',
  'OpenTelemetryApi',
  'Replacement',
  'Retirement',
  'RevokeSelection',
  'SameSite',
  'Session',
  'SessionChange',
  'SessionData',
  'SessionEnv',
  'SessionMiddlewareOptions',
  'SessionOutcome',
  'SessionOutcomeName',
  'SessionRepository',
  'SessionTelemetry',
  'SessionTelemetryOptions',
  'SessionUser',
  'StandardSchema',
  'StoreCost',
  'StoredSession',
  'TelemetryOptions',
  'UserSessionEntry',
]

/** What a third-party store needs: the port and every type in its signatures. */
const PORT_TYPES = ['SessionRepository', 'StoredSession', 'SessionUser', 'SessionChange', 'Increment', 'Replacement', 'Retirement', 'UserSessionEntry', 'RevokeSelection', 'StoreCost', 'SessionData']

describe('the public entry', () => {
  const exported = exportsWithDocs()

  it('exports exactly these values and types', () => {
    expect(Object.keys(entry).sort()).toEqual([...VALUES].sort())
    expect([...exported.keys()].sort()).toEqual([...VALUES, ...TYPES].sort())
  })

  it('exports the port, every type its methods use, the errors a store throws, and DeviceSession', () => {
    for (const name of [...PORT_TYPES, 'DeviceSession', 'SessionError', 'SessionConflictError', 'SessionRetiredError', 'SessionUsageError', 'SessionStoreUnavailableError', 'SessionTooLargeError']) {
      expect(exported.has(name), name).toBe(true)
    }
  })

  it('leaves out the cookie signer and second names for one type', () => {
    for (const name of ['createCookieSigner', 'CookieSigner', 'TypedSession', 'UntypedSession', 'UntypedSessionData', 'NumericKey']) {
      expect(exported.has(name), name).toBe(false)
    }
  })

  it('gives every export a doc comment', () => {
    const undocumented = [...exported].filter(([, doc]) => doc === '').map(([name]) => name)
    expect(undocumented).toEqual([])
  })
})
