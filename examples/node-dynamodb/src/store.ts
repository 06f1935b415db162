import { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { DynamoDbSessionRepository, ensureSessionTable } from 'hono-dynamodb-session'

export interface StoreSettings {
  /** e.g. http://localhost:8000 for DynamoDB Local; undefined means AWS itself. */
  readonly endpoint: string | undefined
  readonly region: string | undefined
  readonly tableName: string
}

export function storeSettings(env: NodeJS.ProcessEnv): StoreSettings {
  return {
    endpoint: env.DYNAMODB_ENDPOINT || undefined,
    region: env.AWS_REGION || undefined,
    tableName: env.SESSION_TABLE || 'sessions',
  }
}

/**
 * The DynamoDB client and the session store. DynamoDB Local accepts any region and any
 * keys, but the SDK will not sign a request without them, so local runs get made-up ones.
 * On AWS, region and credentials come from the environment or the instance's role.
 */
export async function openStore(settings: StoreSettings) {
  const client = settings.endpoint
    ? new DynamoDBClient({
        endpoint: settings.endpoint,
        region: settings.region ?? 'us-east-1',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      })
    : new DynamoDBClient(settings.region ? { region: settings.region } : {})
  // Locally, create the table when missing (on-demand, TTL on `expires`). On AWS the
  // table comes from infrastructure code, so only check that it is there.
  await ensureSessionTable({ client, tableName: settings.tableName, create: settings.endpoint !== undefined })
  const repository = new DynamoDbSessionRepository({ client, tableName: settings.tableName })
  return { client, repository }
}
