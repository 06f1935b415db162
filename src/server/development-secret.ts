import { parseSecretList } from './secret-list.js'

/** A stable development secret, so cookies survive restarts; public, so refused wherever cookies are real. */
export const DEVELOPMENT_SECRET = 'development-only-secret-change-me-0123456789'

/**
 * Hosts of AWS's own DynamoDB endpoints: regional and FIPS (`dynamodb[-fips].<region>.amazonaws.com`),
 * China (`.amazonaws.com.cn`), dual-stack (`.api.aws`) and VPC endpoints
 * (`vpce-….dynamodb.<region>.vpce.amazonaws.com`).
 */
const AWS_ENDPOINT_HOST = /(^|\.)(amazonaws\.com|amazonaws\.com\.cn|api\.aws)$/i

/** Whether the endpoint is AWS itself rather than DynamoDB Local or another emulator. */
export function isAwsEndpoint(endpoint: string): boolean {
  try {
    // A trailing dot (a fully qualified name) reaches the same host.
    return AWS_ENDPOINT_HOST.test(new URL(endpoint).hostname.replace(/\.+$/, ''))
  } catch {
    return false // not a URL: reported against DYNAMODB_ENDPOINT by its own rule
  }
}

interface SecretContext {
  readonly NODE_ENV: string
  readonly SESSION_STORE?: string | undefined
  readonly DYNAMODB_ENDPOINT?: string | undefined
  readonly SESSION_SECRET?: string | undefined
}

/**
 * Why the development secret may not sign this server's cookies, or null. Anyone can
 * forge a session with a public secret, so it is refused in production and against
 * AWS itself (SESSION_STORE=dynamodb with no endpoint, or an endpoint on AWS), whether
 * it is the default (SESSION_SECRET unset) or given explicitly, alone or in a list.
 */
export function developmentSecretProblem(env: SecretContext): string | null {
  const listed = env.SESSION_SECRET ? parseSecretList(env.SESSION_SECRET) : null
  const explicit = Array.isArray(listed) && listed.includes(DEVELOPMENT_SECRET)
  if (env.SESSION_SECRET && !explicit) return null
  const production = env.NODE_ENV === 'production'
  const onAws = env.SESSION_STORE === 'dynamodb' && (!env.DYNAMODB_ENDPOINT || isAwsEndpoint(env.DYNAMODB_ENDPOINT))
  if (!production && !onAws) return null
  const where = production
    ? 'when NODE_ENV=production'
    : env.DYNAMODB_ENDPOINT
      ? 'with a DYNAMODB_ENDPOINT on AWS'
      : 'with SESSION_STORE=dynamodb on AWS (no DYNAMODB_ENDPOINT)'
  return explicit
    ? `SESSION_SECRET must not contain the built-in development secret ${where}: it is public`
    : `SESSION_SECRET is required ${where}: the built-in development secret is public`
}
