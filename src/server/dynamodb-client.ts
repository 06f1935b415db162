import { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { NodeHttpHandler } from '@smithy/node-http-handler'

export interface DynamoDbClientSettings {
  /** e.g. http://localhost:8000 for DynamoDB Local; absent means AWS itself. */
  readonly endpoint?: string | undefined
  readonly region?: string | undefined
  /** Deadline for one HTTP attempt, in milliseconds. */
  readonly timeoutMs: number
  /** AWS credentials are in the environment; without them a local endpoint gets dummy ones. */
  readonly hasAccessKey?: boolean
}

/**
 * Builds the SDK client with short timeouts: an unreachable DynamoDB must turn
 * into a quick 503, not a request hanging for the SDK's default of minutes.
 * Against a local endpoint without AWS credentials in the environment, dummy
 * credentials are used (DynamoDB Local accepts any), which also stops the SDK
 * from probing instance metadata.
 *
 * A plain SDK client, configured through public options only. The SDK resolves a
 * command's middleware chain on every call; its one cache for that
 * (`cacheMiddleware`) is refused by the document client the repository builds on
 * this client, and serves only calls without options, so it is not used
 * (BENCHMARKS.md, "The SDK client" has the measurements).
 */
export function createDynamoDbClient(settings: DynamoDbClientSettings): DynamoDBClient {
  const local = settings.endpoint !== undefined
  return new DynamoDBClient({
    ...(local ? { endpoint: settings.endpoint } : {}),
    region: settings.region ?? (local ? 'us-east-1' : undefined),
    ...(local && !settings.hasAccessKey ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
    maxAttempts: 3,
    requestHandler: new NodeHttpHandler({
      connectionTimeout: Math.min(1000, settings.timeoutMs),
      requestTimeout: settings.timeoutMs,
      // Without this the handler only prints a warning and keeps waiting: calls made
      // without an abort signal (table checks at start-up) could hang on a frozen store.
      throwOnRequestTimeout: true,
    }),
  })
}
