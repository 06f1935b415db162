// The workerd configuration (Cap'n Proto text) that serves the bundled Worker
// locally: one socket, one Worker, and the environment contract of `npm start`
// turned into bindings. The bindings read the variables from workerd's own
// environment (fromEnvironment), so no secret is ever written to the file.

export interface WorkerdConfigOptions {
  /** The bundle's file name, relative to the config file (which embeds it). */
  readonly module: string
  /** host:port to listen on. */
  readonly address: string
  /** The variables to bind, each under its own name. */
  readonly bindings: readonly string[]
  /** Let the Worker's fetch reach loopback and private addresses (DynamoDB Local, docker compose). */
  readonly allowLocalNetwork: boolean
  /** workerd's compatibility date for the Worker; keep it equal to wrangler.toml's. */
  readonly compatibilityDate: string
}

/** What wrangler.toml's compatibility_date says too (docs/deploying.md). */
export const COMPATIBILITY_DATE = '2026-11-01'

const text = (value: string) => JSON.stringify(value)

export function workerdConfig(options: WorkerdConfigOptions): string {
  for (const name of options.bindings) {
    if (!/^[A-Z_][A-Z0-9_]*$/.test(name)) throw new Error(`not a binding name: ${name}`)
  }
  const allow = options.allowLocalNetwork ? ['public', 'private', 'local'] : ['public']
  const bindings = options.bindings.map((name) => `    (name = ${text(name)}, fromEnvironment = ${text(name)}),`)
  return [
    'using Workerd = import "/workerd/workerd.capnp";',
    '',
    'const config :Workerd.Config = (',
    '  services = [',
    '    (name = "main", worker = .sessionWorker),',
    `    (name = "outbound", network = (allow = [${allow.map(text).join(', ')}])),`,
    '  ],',
    `  sockets = [(name = "http", address = ${text(options.address)}, http = (), service = "main")],`,
    ');',
    '',
    'const sessionWorker :Workerd.Worker = (',
    `  modules = [(name = "worker.js", esModule = embed ${text(options.module)})],`,
    `  compatibilityDate = ${text(options.compatibilityDate)},`,
    '  globalOutbound = "outbound",',
    '  bindings = [',
    ...bindings,
    '  ],',
    ');',
    '',
  ].join('\n')
}
