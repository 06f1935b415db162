import { spawn } from 'node:child_process'
import { ROOT } from '../support/server-process.js'

export interface Run {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs `npm run sessions -- ...args` (or tsx directly) with only the given environment. */
export function runCli(args: string[], env: Record<string, string>, via: 'npm' | 'tsx' = 'tsx'): Promise<Run> {
  const [command, prefix] =
    via === 'npm' ? ['npm', ['run', '--silent', 'sessions', '--']] : [process.execPath, ['--import', 'tsx', 'scripts/sessions.ts']]
  const child = spawn(command, [...prefix, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? ROOT, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk) => (stdout += chunk))
  child.stderr.on('data', (chunk) => (stderr += chunk))
  return new Promise((ok) => child.once('close', (code) => ok({ code, stdout, stderr })))
}
