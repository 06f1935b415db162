import { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { handle } from 'hono/aws-lambda'
import { DynamoDbSessionRepository } from 'hono-dynamodb-session'
import { createApp } from './app.js'

// Module scope lives as long as the Lambda container: the configuration is read, and the
// DynamoDB client with its connections built, once per container, not once per request.
const env = process.env
const tableName = env.SESSION_TABLE
const secret = env.SESSION_SECRET
if (!tableName || !secret) throw new Error('SESSION_TABLE and SESSION_SECRET are required')

// DYNAMODB_ENDPOINT is for trying the handler against DynamoDB Local; on Lambda, the region
// and the function's role come from the environment Lambda sets.
const client = env.DYNAMODB_ENDPOINT
  ? new DynamoDBClient({
      endpoint: env.DYNAMODB_ENDPOINT,
      region: env.AWS_REGION ?? 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    })
  : new DynamoDBClient({})

const app = createApp({
  repository: new DynamoDbSessionRepository({ client, tableName }),
  secret: secret.split(','),
  trustProxy: env.TRUST_PROXY === 'true',
})

/** Lambda's entry: API Gateway REST (v1) and HTTP (v2) APIs, ALB and function URL events. */
export const handler = handle(app)
