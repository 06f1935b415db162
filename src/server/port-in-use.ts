// A taken PORT ends the process with one line, the same on Node, Bun and Deno.

/** Node and Bun report `code: 'EADDRINUSE'`; Deno throws Deno.errors.AddrInUse. */
export const isPortInUse = (error: unknown): boolean =>
  (error as { code?: unknown })?.code === 'EADDRINUSE' || (error as { name?: unknown })?.name === 'AddrInUse'

export function exitPortInUse(port: number): never {
  console.error(`port ${port} is in use`)
  process.exit(1)
}
