import { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { FetchHttpHandler } from '@smithy/fetch-http-handler'

/** Static AWS keys, as a Worker gets them from its secrets. */
export interface AwsKeys {
  readonly accessKeyId: string
  readonly secretAccessKey: string
  readonly sessionToken?: string | undefined
}

export interface FetchDynamoDbClientSettings {
  /** e.g. http://127.0.0.1:8000 for DynamoDB Local; absent means AWS itself. */
  readonly endpoint?: string | undefined
  readonly region?: string | undefined
  /** Deadline for one HTTP attempt, in milliseconds. */
  readonly timeoutMs: number
  /** Absent against a local endpoint: DynamoDB Local accepts any keys. */
  readonly keys?: AwsKeys | undefined
}

/**
 * A DynamoDB client for runtimes without Node's HTTP stack (Cloudflare Workers):
 * requests go through the global fetch, and credentials are given, never looked
 * up, since the SDK's default chain (files, instance metadata) has nothing to
 * find there. Each attempt is cut off after `timeoutMs`; the repository puts its
 * own deadline over the whole call, retries included.
 */
export function createFetchDynamoDbClient(settings: FetchDynamoDbClientSettings): DynamoDBClient {
  const local = settings.endpoint !== undefined
  return new DynamoDBClient({
    ...(local ? { endpoint: settings.endpoint } : {}),
    region: settings.region ?? 'us-east-1',
    credentials: settings.keys ?? { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 3,
    requestHandler: new FetchHttpHandler({ requestTimeout: settings.timeoutMs }),
  })
}
