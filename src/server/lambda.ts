// The AWS Lambda entry point: the same app as src/main.ts, behind API Gateway
// (HTTP API v2 or REST v1), an ALB or a function URL. Handler setting: `dist/lambda.handler`.
import { handle, type LambdaContext, type LambdaEvent } from 'hono/aws-lambda'
import { buildComposition } from './compose.js'
import { loadConfig } from './config.js'

type Env = Record<string, string | undefined>
type Invoke = ReturnType<typeof handle>

/**
 * A Lambda handler over the app configured by `env`. The app, its store and the
 * table check are built on the first invocation and reused by every later one.
 * A failed start (DynamoDB not reachable yet, say) is not kept: the next
 * invocation tries again instead of the container failing for its whole life.
 */
export function createLambdaHandler(env: Env) {
  let starting: Promise<Invoke> | undefined
  return async function lambdaHandler(event: LambdaEvent, context?: LambdaContext) {
    starting ??= start(env).catch((error: unknown) => {
      starting = undefined
      throw error
    })
    const invoke = await starting
    return invoke(event, context)
  }
}

async function start(env: Env): Promise<Invoke> {
  // A bad variable throws ConfigError here, and Lambda reports the invocation as failed with its message.
  // Lambda sends stdout to CloudWatch Logs, so the JSON log lines need nothing more.
  const { app, store, logger } = buildComposition(loadConfig(env))
  logger.info(await store.prepare())
  return handle(app)
}

/**
 * What Lambda calls. Module scope lives as long as the container, so the app and
 * its DynamoDB client (with its open connections) are built once per container,
 * not once per request; the environment is read on the first invocation.
 */
export const handler = createLambdaHandler(process.env)
