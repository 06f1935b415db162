import type { TestProject } from 'vitest/node'
import { startDynamoDbLocal } from '../../scripts/dynamodb-local.js'

declare module 'vitest' {
  export interface ProvidedContext {
    dynamodbEndpoint: string
  }
}

/** One DynamoDB Local for the whole run (or the one DYNAMODB_ENDPOINT names); tests use their own tables. */
export default async function setup(project: TestProject) {
  const given = process.env.DYNAMODB_ENDPOINT
  if (given) {
    project.provide('dynamodbEndpoint', given)
    return
  }
  const local = await startDynamoDbLocal()
  project.provide('dynamodbEndpoint', local.endpoint)
  return () => local.stop()
}
