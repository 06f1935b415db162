import type { Logger } from './request-log.js'

const LEVELS = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: Infinity } as const

export type LogLevel = keyof typeof LEVELS

export interface ConsoleLogger extends Logger {
  warn(fields: Record<string, unknown>, message?: string): void
}

/**
 * pino-shaped JSON lines on `console.log`, for runtimes where pino's destinations
 * (Node streams) do not exist. workerd prints them on stdout; on Cloudflare they
 * show in `wrangler tail` and Workers Logs. Same fields as pino: level, time, msg.
 */
export function consoleLogger(level: string, write: (line: string) => void = (line) => console.log(line)): ConsoleLogger {
  const threshold = LEVELS[level as LogLevel] ?? LEVELS.info
  const at = (value: number) => (fields: Record<string, unknown>, message?: string) => {
    if (value < threshold) return
    write(JSON.stringify({ level: value, time: Date.now(), ...fields, ...(message === undefined ? {} : { msg: message }) }))
  }
  return { info: at(LEVELS.info), warn: at(LEVELS.warn), error: at(LEVELS.error) }
}
