import { DeleteTableCommand, DescribeTableCommand } from '@aws-sdk/client-dynamodb'
import { afterAll, describe, expect, it } from 'vitest'
import { createLambdaHandler } from '../../src/server/lambda.js'
import { cookieAttributes } from '../support/cookie-jar.js'
import { endpoint, testClient, uniqueTableName } from '../support/dynamodb.js'
import { SECRET } from '../support/secrets.js'
import { cookiePairs, httpApiEvent } from './http-api-event.js'

const tableName = uniqueTableName('lambda')

// The environment a deployed function would have, passed in rather than written to process.env.
const environment = () => ({
  SESSION_STORE: 'dynamodb',
  DYNAMODB_ENDPOINT: endpoint(),
  AWS_REGION: 'us-east-1',
  SESSION_TABLE: tableName,
  SESSION_SECRET: SECRET,
  LOG_LEVEL: 'silent',
  // A busy test machine can make DynamoDB Local slower than production's 2 s deadline.
  DYNAMODB_TIMEOUT_MS: '15000',
})

const client = testClient()
afterAll(async () => {
  await client.send(new DeleteTableCommand({ TableName: tableName })).catch(() => {})
  client.destroy()
})

describe('AWS Lambda entry behind an API Gateway HTTP API (payload 2.0), on DynamoDB Local', () => {
  it('creates the table on cold start, counts 1 then 2 through the cookie, and a new container continues at 3', async () => {
    const handler = createLambdaHandler(environment())

    const first = await handler(httpApiEvent({ path: '/private' }))
    expect(first.statusCode).toBe(200)
    expect(first.body).toBe('The /private page has been visited 1 times.')
    // Payload 2.0 returns cookies in their own array, not as a header.
    expect(first.cookies).toHaveLength(1)
    expect(first.headers?.['set-cookie']).toBeUndefined()
    const cookie = cookieAttributes(first.cookies![0]!)
    // API Gateway is HTTPS, so the cookie is the __Host- one with Secure.
    expect(cookie.name).toBe('__Host-sid')
    expect(cookie.attributes.has('secure')).toBe(true)
    expect(cookie.attributes.has('httponly')).toBe(true)

    const table = await client.send(new DescribeTableCommand({ TableName: tableName }))
    expect(table.Table?.TableStatus).toBe('ACTIVE')

    const cookies = cookiePairs(first.cookies)
    const second = await handler(httpApiEvent({ path: '/private', cookies }))
    expect(second.statusCode).toBe(200)
    expect(second.body).toBe('The /private page has been visited 2 times.')

    // A fresh handler is what a new container (or a cold start after a deploy) runs.
    const otherContainer = createLambdaHandler(environment())
    const third = await otherContainer(httpApiEvent({ path: '/private', cookies }))
    expect(third.body).toBe('The /private page has been visited 3 times.')
  })

  it('starts a new count for an event without the cookie', async () => {
    const handler = createLambdaHandler(environment())
    await handler(httpApiEvent({ path: '/private' }))
    const stranger = await handler(httpApiEvent({ path: '/private' }))
    expect(stranger.body).toBe('The /private page has been visited 1 times.')
  })

  it('passes the request body through: a JSON login answers with the user and a new session cookie', async () => {
    const handler = createLambdaHandler(environment())
    const login = await handler(
      httpApiEvent({
        method: 'POST',
        path: '/login',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ user: 'alice' }),
      }),
    )
    expect(login.statusCode).toBe(200)
    expect(JSON.parse(login.body)).toEqual({ user: 'alice' })
    expect(cookiePairs(login.cookies)).toHaveLength(1)

    const home = await handler(httpApiEvent({ path: '/', cookies: cookiePairs(login.cookies) }))
    expect(home.statusCode).toBe(200)
    expect(home.body).toContain('alice')
  })
})
