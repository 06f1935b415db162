// The AWS Lambda entry point: the same app as main.ts, behind API Gateway (HTTP
// API v2 or REST v1), an ALB or a function URL. Handler setting: `dist/server/lambda.handler`.
// The one file that imports hono/aws-lambda.
import { handle, type LambdaContext, type LambdaEvent } from 'hono/aws-lambda'
import { boundedStartup } from './bounded-startup.js'
import { buildComposition } from './compose.js'
import { ConfigError, loadConfig } from './config.js'
import { lambdaBasePath, lambdaEdge } from './lambda-edge.js'

type Env = Record<string, string | undefined>
type Invoke = ReturnType<typeof handle>

/**
 * A Lambda handler over the app configured by `env`. The configuration is read
 * once, on the first invocation, with the app and its store; every later
 * invocation reuses them. Start-up (the table check) is waited for at most
 * DYNAMODB_TIMEOUT_MS per invocation: until it has succeeded, requests get
 * 503 with Retry-After (GET /healthz 200) and a later invocation tries again.
 * A bad configuration fails every invocation with its one-line message.
 */
export function createLambdaHandler(env: Env) {
  let built: { invoke: Invoke } | { error: ConfigError } | undefined
  return async function lambdaHandler(event: LambdaEvent, context?: LambdaContext) {
    built ??= build(env)
    if ('error' in built) throw built.error
    return built.invoke(event, context)
  }
}

function build(env: Env): { invoke: Invoke } | { error: ConfigError } {
  let config
  try {
    config = loadConfig(env)
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    // Lambda sends stderr to CloudWatch Logs, one line per bad variable.
    for (const line of error.message.split('\n')) console.error(`Configuration error: ${line}`)
    return { error }
  }
  const composition = buildComposition(config, { basePath: lambdaBasePath })
  const { logger, store } = composition
  const startup = boundedStartup(() => store.prepare(), config.dynamodb.timeoutMs, {
    info: (message) => logger.info(message),
    error: (fields, message) => logger.error(fields, message),
  })
  return { invoke: handle(lambdaEdge(composition, startup)) }
}

/**
 * What Lambda calls. Module scope lives as long as the container, so the app and
 * its DynamoDB client (with its open connections) are built once per container,
 * not once per request; the environment is read on the first invocation.
 */
export const handler = createLambdaHandler(process.env)
