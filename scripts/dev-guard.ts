// Keeps `npm run dev` from leaving processes behind, however it ends.
//
// - A guard: a tiny `sh` in its own session reads, on a pipe from dev, the PIDs
//   dev starts and stops. The pipe closes when dev dies, even by SIGKILL; the guard
//   then terminates whatever dev still had running, and exits.
// - A record: the same PIDs in a file, so the next `npm run dev` stops what a
//   previous one left (if the guard was killed too), before it looks at the ports.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'

const GUARD_SCRIPT = `
pids=" "
while read -r line; do
  case "$line" in
    +*) pids="$pids\${line#+} " ;;
    -*) pids=$(printf '%s' "$pids" | sed "s/ \${line#-} / /") ;;
  esac
done
set -- $pids
[ $# -gt 0 ] || exit 0
kill -TERM "$@" 2>/dev/null
sleep 3
kill -KILL "$@" 2>/dev/null
exit 0
`

/** A process dev started: its PID and a word its command line must contain, so a reused PID is never hit. */
interface Recorded {
  readonly pid: number
  readonly marker: string
}

export interface DevGuard {
  /** From now on, `child` is stopped if dev dies without stopping it. */
  watch(child: ChildProcess, marker: string): void
}

export function startDevGuard(recordFile: string): DevGuard {
  const guard = spawn('sh', ['-c', GUARD_SCRIPT], { stdio: ['pipe', 'ignore', 'ignore'], detached: true })
  guard.unref()
  guard.once('error', (error) => console.error(`[dev] cannot start the process guard (${error.message}): if dev is killed, stop Java and the server yourself`))
  // The pipe must not keep dev's event loop alive, and a guard gone early must not crash dev.
  ;(guard.stdin as unknown as { unref?: () => void }).unref?.()
  guard.stdin!.on('error', () => {})
  const running = new Map<number, Recorded>()
  const save = () => {
    mkdirSync(dirname(recordFile), { recursive: true })
    writeFileSync(recordFile, JSON.stringify([...running.values()]))
  }
  return {
    watch(child, marker) {
      const pid = child.pid
      if (pid === undefined) return
      running.set(pid, { pid, marker })
      guard.stdin!.write(`+${pid}\n`)
      save()
      child.once('exit', () => {
        running.delete(pid)
        guard.stdin!.write(`-${pid}\n`)
        if (running.size === 0) rmSync(recordFile, { force: true })
        else save()
      })
    },
  }
}

/** Stops the processes a previous `npm run dev` recorded and left running. Returns how many it stopped. */
export async function stopLeftovers(recordFile: string): Promise<number> {
  let recorded: Recorded[]
  try {
    recorded = JSON.parse(readFileSync(recordFile, 'utf8')) as Recorded[]
  } catch {
    return 0
  }
  const leftovers = recorded.filter((r) => commandLineOf(r.pid)?.includes(r.marker))
  for (const { pid } of leftovers) signal(pid, 'SIGTERM')
  const deadline = Date.now() + 5000
  while (leftovers.some((r) => alive(r.pid)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100))
  for (const { pid } of leftovers) if (alive(pid)) signal(pid, 'SIGKILL')
  rmSync(recordFile, { force: true })
  return leftovers.length
}

function commandLineOf(pid: number): string | null {
  try {
    return execFileSync('ps', ['-o', 'command=', '-p', String(pid)], { encoding: 'utf8' }).trim() || null
  } catch {
    return null
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name)
  } catch {
    // already gone
  }
}
