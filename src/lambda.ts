// The AWS Lambda entry point: the same app as src/main.ts, behind API Gateway
// (HTTP API v2 or REST v1), an ALB or a function URL. Handler setting: `dist/lambda.handler`.
import { handle, type LambdaContext, type LambdaEvent } from 'hono/aws-lambda'
import { pino } from 'pino'
import { loadConfig } from './config.js'
import { createApp } from './http/app.js'
import { buildStore } from './store.js'

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
  const config = loadConfig(env)
  // Lambda sends stdout to CloudWatch Logs, so plain JSON lines are all it takes.
  const logger = pino({ level: config.logLevel, base: undefined })
  if (config.session.usingDevelopmentSecret) {
    logger.warn('SESSION_SECRET is not set: using the built-in development secret (never do this in production)')
  }
  if (config.storeDefaulted) {
    logger.warn('SESSION_STORE is not set: sessions live in this container only and vanish with it (set SESSION_STORE=dynamodb)')
  }
  const store = buildStore(config, env)
  logger.info(await store.prepare())
  const app = createApp({
    session: { repository: store.repository, ...config.session, secret: config.session.secrets, legacy: store.legacy },
    readiness: store.readiness,
    logger,
  })
  return handle(app)
}

/**
 * What Lambda calls. Module scope lives as long as the container, so the app and
 * its DynamoDB client (with its open connections) are built once per container,
 * not once per request; the environment is read on the first invocation.
 */
export const handler = createLambdaHandler(process.env)
