import { CONFIG_VARIABLES, ConfigError, loadConfig, type Config } from './config.js'
import type { AwsKeys } from './fetch-dynamodb-client.js'

/** What a Worker needs beyond the shared configuration: the AWS keys it signs with. */
export interface WorkerConfig {
  readonly config: Config
  /** Undefined against a local endpoint without keys. */
  readonly keys: AwsKeys | undefined
}

/**
 * Worker bindings as an environment: text bindings and secrets are strings; a
 * workerd `fromEnvironment` binding whose variable is unset is null and counts as unset.
 */
export function bindingsAsEnv(bindings: object): Record<string, string> {
  return Object.fromEntries(Object.entries(bindings).filter((entry): entry is [string, string] => typeof entry[1] === 'string'))
}

/**
 * The shared configuration (src/server/config.ts) read from Worker bindings, plus
 * the rules a Worker adds: it has no IAM role and no instance metadata, so against
 * AWS it needs AWS_REGION and a key pair (secrets). Throws ConfigError listing every
 * bad variable, one line each, as loadConfig does.
 */
export function loadWorkerConfig(bindings: object): WorkerConfig {
  const env = bindingsAsEnv(bindings)
  const lines: string[] = []
  let config: Config | undefined
  try {
    config = loadConfig(env)
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    lines.push(...error.message.split('\n'))
  }
  const id = env.AWS_ACCESS_KEY_ID
  const secret = env.AWS_SECRET_ACCESS_KEY
  if (id && !secret) lines.push('AWS_SECRET_ACCESS_KEY is required with AWS_ACCESS_KEY_ID')
  if (secret && !id) lines.push('AWS_ACCESS_KEY_ID is required with AWS_SECRET_ACCESS_KEY')
  if (config?.store === 'dynamodb' && !config.dynamodb.endpoint) {
    if (!config.dynamodb.region) lines.push('AWS_REGION is required on Workers when DYNAMODB_ENDPOINT is not set (there is no instance metadata to ask)')
    if (!id && !secret) lines.push('AWS_ACCESS_KEY_ID is required on Workers when DYNAMODB_ENDPOINT is not set (there is no IAM role: set it and AWS_SECRET_ACCESS_KEY as secrets)')
  }
  if (lines.length > 0 || !config) throw new ConfigError([...new Set(lines)].join('\n'))
  return {
    config,
    keys: id && secret ? { accessKeyId: id, secretAccessKey: secret, sessionToken: env.AWS_SESSION_TOKEN } : undefined,
  }
}

/** Every binding a Worker reads: the shared configuration plus the AWS keys. */
export const WORKER_VARIABLES: readonly string[] = Object.freeze([
  ...CONFIG_VARIABLES,
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
])
