// The server under `npm run dev`: started, restarted when a file under src/
// changes, and reported when it ends on its own.
import { spawn, type ChildProcess } from 'node:child_process'
import { watch } from 'node:fs'
import type { DevGuard } from './dev-guard.js'

export const SERVER_ENTRY = 'src/server/main.ts'

export interface WatchedServer {
  /** Stops the server (SIGTERM, then SIGKILL after 12 s) and the watching. */
  stop(): Promise<void>
}

export interface WatchedServerOptions {
  readonly env: NodeJS.ProcessEnv
  readonly guard: DevGuard
  /** The first server ended by itself (its start failed, say), with this exit code. */
  readonly onFirstExit: (code: number) => void
}

export function watchServer({ env, guard, onFirstExit }: WatchedServerOptions): WatchedServer {
  let child: ChildProcess | undefined
  let generation = 0
  let stopping = false
  let restarting: Promise<void> | undefined

  const start = () => {
    const mine = ++generation
    const server = spawn(process.execPath, ['--import', 'tsx', SERVER_ENTRY], { stdio: 'inherit', env })
    guard.watch(server, SERVER_ENTRY)
    child = server
    server.once('exit', (code, signal) => {
      if (child === server) child = undefined
      if (stopping || restarting) return
      if (mine === 1) onFirstExit(code ?? 1)
      else console.error(`[dev] the server exited (${signal ?? `code ${code}`}); waiting for a change under src/ to restart it`)
    })
  }

  const stopChild = async () => {
    const running = child
    if (!running || running.exitCode !== null || running.signalCode !== null) return
    const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()))
    running.kill('SIGTERM')
    const force = setTimeout(() => running.kill('SIGKILL'), 12_000)
    await exited
    clearTimeout(force)
  }

  let timer: ReturnType<typeof setTimeout> | undefined
  const watcher = watch('src', { recursive: true }, (_event, file) => {
    if (stopping) return
    clearTimeout(timer)
    timer = setTimeout(() => {
      restarting ??= (async () => {
        console.error(`[dev] ${file ?? 'a file'} changed: restarting the server`)
        await stopChild()
        restarting = undefined
        if (!stopping) start()
      })()
    }, 150)
  })

  start()
  return {
    async stop() {
      stopping = true
      clearTimeout(timer)
      watcher.close()
      await restarting
      await stopChild()
    },
  }
}
