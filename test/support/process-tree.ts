import { execFileSync } from 'node:child_process'

/** Every process below `pid` (children, their children, ...), read from ps. */
export function descendants(pid: number): number[] {
  const rows = execFileSync('ps', ['-eo', 'pid=,ppid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number) as [number, number])
  const found: number[] = []
  const walk = (parent: number) => {
    for (const [child, ppid] of rows) {
      if (ppid === parent) {
        found.push(child)
        walk(child)
      }
    }
  }
  walk(pid)
  return found
}

/** The command line of a running process, or null when there is none (zombies count as gone). */
export function commandLine(pid: number): string | null {
  try {
    const out = execFileSync('ps', ['-o', 'stat=,args=', '-p', String(pid)], { encoding: 'utf8' }).trim()
    if (!out || out.startsWith('Z')) return null
    return out.replace(/^\S+\s+/, '')
  } catch {
    return null
  }
}

export const alive = (pid: number): boolean => commandLine(pid) !== null

/** Sends SIGKILL to each process still alive; for cleaning up after a failed test. */
export function killAll(pids: readonly number[]): void {
  for (const pid of pids) {
    if (!alive(pid)) continue
    try {
      process.kill(pid, 'SIGKILL')
    } catch {
      // gone meanwhile
    }
  }
}
