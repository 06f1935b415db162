// `npm run sessions -- count`: sorts the table's items into this library's sessions and everything else.
import type { SessionSummary } from '../src/adapters/dynamodb-session-admin.js'

export interface Census {
  /** Items in this library's session format (createdAt, maxExpires and version present). */
  readonly sessions: { readonly live: number; readonly expired: number }
  /** Items of another shape sharing the table, e.g. connect-dynamodb's `sess:` items left from a migration. */
  readonly other: { readonly live: number; readonly expired: number }
}

/** An item this library wrote: every session it stores carries all three. */
export const isSessionItem = (s: SessionSummary): boolean => s.createdAt !== null && s.maxExpires !== null && s.version !== null

export async function takeCensus(items: AsyncIterable<SessionSummary>): Promise<Census> {
  const sessions = { live: 0, expired: 0 }
  const other = { live: 0, expired: 0 }
  for await (const item of items) {
    const bucket = isSessionItem(item) ? sessions : other
    if (item.expired) bucket.expired++
    else bucket.live++
  }
  return { sessions, other }
}

export function formatCensus({ sessions, other }: Census): string {
  const lines = [`sessions: ${sessions.live + sessions.expired}`, `  live: ${sessions.live}`, `  expired: ${sessions.expired}`]
  const others = other.live + other.expired
  lines.push(
    others === 0
      ? 'other items: 0'
      : `other items: ${others} (not sessions of this library, e.g. connect-dynamodb sess: items; ${other.expired} expired)`,
  )
  return lines.join('\n')
}
