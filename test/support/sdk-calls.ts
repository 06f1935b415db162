import type { DynamoDBClient } from '@aws-sdk/client-dynamodb'

/**
 * Counts every request a DynamoDB client puts on the wire, by operation (`PutItem`,
 * `GetItem`, ...). Added at the deserialize step, below the retry middleware, so a
 * retried call counts twice: the numbers are what DynamoDB would bill. Nothing is mocked.
 */
export function countSdkCalls(client: DynamoDBClient) {
  const operations: string[] = []
  client.middlewareStack.add(
    (next, context) => async (args) => {
      operations.push(String(context.commandName ?? 'unknown').replace(/Command$/, ''))
      return next(args)
    },
    { step: 'deserialize', name: 'countSdkCalls' },
  )
  return {
    /** Every operation sent since the last reset, in order. */
    operations: operations as readonly string[],
    reset: () => void (operations.length = 0),
    /** How many of each operation since the last reset, by name in order. */
    snapshot: (): Record<string, number> => {
      const counts = new Map<string, number>()
      for (const operation of operations) counts.set(operation, (counts.get(operation) ?? 0) + 1)
      return Object.fromEntries([...counts].sort())
    },
  }
}

export type SdkCalls = ReturnType<typeof countSdkCalls>
