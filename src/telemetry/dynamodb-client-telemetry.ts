import {
  ATTR_AWS_REQUEST_ID,
  ATTR_DB_OPERATION_NAME,
  ATTR_DB_SYSTEM_NAME,
  ATTR_DYNAMODB_CONSUMED_CAPACITY,
  ATTR_DYNAMODB_TABLE_NAMES,
  ATTR_ERROR_TYPE,
  ATTR_RPC_METHOD,
  ATTR_RPC_SERVICE,
  ATTR_RPC_SYSTEM,
  DB_SYSTEM_DYNAMODB,
  DURATION_BUCKETS,
  errorType,
  METRIC_DB_CLIENT_DURATION,
} from './session-attributes.js'
import { spanRunner, type SpanHooks } from './span-runner.js'
import {
  INSTRUMENTATION_SCOPE,
  SPAN_KIND_CLIENT,
  type Attributes,
  type HistogramLike,
  type OpenTelemetryApi,
  type SpanOptionsLike,
  type TelemetryOptions,
} from './otel-types.js'

/** The part of an AWS SDK v3 client this needs: its public middleware stack. */
export interface ClientWithMiddleware {
  readonly middlewareStack: {
    add(middleware: never, options: { step: 'initialize'; priority: 'high'; name: string; override: boolean }): void
  }
}

type Next = (args: { input: unknown }) => Promise<{ output: unknown }>
type HandlerContext = { commandName?: string }

const MIDDLEWARE_NAME = 'honoDynamoDbSessionTelemetry'

/**
 * Adds a span per DynamoDB call (`DynamoDB.GetItem`, `DynamoDB.UpdateItem`…) to an
 * AWS SDK v3 client, with the semantic conventions' attributes: `db.system.name`,
 * `db.operation.name`, `aws.dynamodb.table_names`, `aws.dynamodb.consumed_capacity`
 * (as DynamoDB reports it with ReturnConsumedCapacity), `aws.request_id`; and
 * `db.client.operation.duration`. Keys, items and expressions are never read.
 *
 * It sits at the outer end of the SDK's chain (initialize step), so one span covers
 * a call with its retries, and it starts under the active span: a call made inside
 * `session.load` or `session.store.update` is that span's child. The document client
 * shares its client's stack, so instrumenting the low-level client covers both. Add it
 * before the client's first call (clients that build their chain once keep it).
 *
 * @example
 *   const client = new DynamoDBClient({})
 *   instrumentDynamoDbClient(client, otel)
 */
export function instrumentDynamoDbClient(client: ClientWithMiddleware, api: OpenTelemetryApi, options: TelemetryOptions = {}): void {
  const runner = spanRunner(api, options)
  let duration: HistogramLike | undefined
  const histogram = () =>
    (duration ??= (options.meterProvider ?? api.metrics).getMeter(INSTRUMENTATION_SCOPE).createHistogram(METRIC_DB_CLIENT_DURATION, {
      unit: 's',
      description: 'Duration of DynamoDB calls, retries included',
      advice: { explicitBucketBoundaries: DURATION_BUCKETS },
    }))
  const operations = new Map<string, Operation>()
  const middleware = (next: Next, context: HandlerContext) => {
    const name = (context.commandName ?? 'Unknown').replace(/Command$/, '')
    let operation = operations.get(name)
    if (!operation) operations.set(name, (operation = describe(name)))
    const { spanName, span, metric } = operation
    return async (args: { input: unknown }) => {
      const started = performance.now()
      try {
        const result = await runner.run(spanName, span, () => next(args), CALL_HOOKS, args.input)
        histogram().record((performance.now() - started) / 1000, metric)
        return result
      } catch (error) {
        histogram().record((performance.now() - started) / 1000, { ...metric, [ATTR_ERROR_TYPE]: errorType(error) })
        throw error
      }
    }
  }
  client.middlewareStack.add(middleware as never, { step: 'initialize', priority: 'high', name: MIDDLEWARE_NAME, override: true })
}

interface Operation {
  readonly spanName: string
  readonly span: SpanOptionsLike
  readonly metric: Attributes
}

function describe(operation: string): Operation {
  const metric = Object.freeze({ [ATTR_DB_SYSTEM_NAME]: DB_SYSTEM_DYNAMODB, [ATTR_DB_OPERATION_NAME]: operation })
  return {
    spanName: `DynamoDB.${operation}`,
    span: Object.freeze({
      kind: SPAN_KIND_CLIENT,
      attributes: Object.freeze({ ...metric, [ATTR_RPC_SYSTEM]: 'aws-api', [ATTR_RPC_SERVICE]: 'DynamoDB', [ATTR_RPC_METHOD]: operation }),
    }),
    metric,
  }
}

/** What each call adds to its span when it records: the tables from the input, then what DynamoDB answered. */
const CALL_HOOKS: SpanHooks<{ output: unknown }, unknown> = {
  started(span, input) {
    const tables = tableNames(input)
    if (tables.length > 0) span.setAttribute(ATTR_DYNAMODB_TABLE_NAMES, tables)
  },
  succeeded(span, { output }) {
    const out = output as { ConsumedCapacity?: unknown; $metadata?: { requestId?: string } } | undefined
    const consumed = out?.ConsumedCapacity
    if (consumed) {
      const items = Array.isArray(consumed) ? consumed : [consumed]
      span.setAttribute(ATTR_DYNAMODB_CONSUMED_CAPACITY, items.map((item) => JSON.stringify(item)))
    }
    if (out?.$metadata?.requestId) span.setAttribute(ATTR_AWS_REQUEST_ID, out.$metadata.requestId)
  },
  failed(span, error) {
    const requestId = (error as { $metadata?: { requestId?: unknown } } | null)?.$metadata?.requestId
    if (typeof requestId === 'string') span.setAttribute(ATTR_AWS_REQUEST_ID, requestId)
  },
}

type TableInput = {
  TableName?: unknown
  RequestItems?: Record<string, unknown>
  TransactItems?: ReadonlyArray<Record<string, { TableName?: unknown } | undefined>>
}

/** The tables a call names: TableName, the keys of RequestItems (batches), or each part of a transaction. */
function tableNames(input: unknown): string[] {
  const i = (input ?? {}) as TableInput
  const names = new Set<string>()
  if (typeof i.TableName === 'string') names.add(i.TableName)
  if (i.RequestItems && typeof i.RequestItems === 'object') for (const name of Object.keys(i.RequestItems)) names.add(name)
  if (Array.isArray(i.TransactItems)) {
    for (const item of i.TransactItems) {
      for (const part of Object.values(item ?? {})) {
        const table = (part as { TableName?: unknown } | undefined)?.TableName
        if (typeof table === 'string') names.add(table)
      }
    }
  }
  return [...names]
}
