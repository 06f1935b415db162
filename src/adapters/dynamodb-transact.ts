import { TransactionCanceledException } from '@aws-sdk/client-dynamodb'
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb'
import type { Send } from './dynamodb-session-repository.js'
import type { TransactItem } from './dynamodb-user-index.js'
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'

/** One cancelled item's reason, with the old item when its condition asked for it. */
export interface CancellationReason {
  readonly Code?: string
  readonly Item?: Record<string, unknown>
}

/**
 * Sends one transaction. Its token makes the SDK's retry of a lost reply a no-op, so
 * it is retried like a read. Returns null when it was applied, or why it was cancelled
 * (one reason per item, in order); any other failure is thrown.
 */
export async function transact(
  target: { readonly client: DynamoDBDocumentClient; readonly send: Send },
  items: readonly TransactItem[],
): Promise<ReadonlyArray<CancellationReason> | null> {
  try {
    await target.send((o) =>
      target.client.send(new TransactWriteCommand({ ReturnConsumedCapacity: 'TOTAL', ClientRequestToken: crypto.randomUUID(), TransactItems: [...items] }), o),
    )
    return null
  } catch (error) {
    // The repository turns service errors into domain errors, keeping the SDK's as the cause.
    const cause = (error as { cause?: unknown }).cause ?? error
    if (cause instanceof TransactionCanceledException && cause.CancellationReasons) {
      return cause.CancellationReasons as ReadonlyArray<CancellationReason>
    }
    throw error
  }
}
