import { html, raw } from 'hono/html'
import type { DeviceSession } from '../index.js'
import { HOME_PAGE_STYLE } from './home-page-style.js'

export interface HomePageView {
  readonly views: number
  /** The name shown as logged in, or null. */
  readonly user: string | null
  /** The logged-in user's sessions (newest first), or null when the session is not bound to a user. */
  readonly sessions?: readonly DeviceSession[] | null
  /** Epoch seconds, for "5 min ago". */
  readonly now?: number
  /** The path prefix in front of the app's routes (`''`, or e.g. `/prod`). */
  readonly base?: string
}

/**
 * The small HTML page at GET /: the count, links and forms to try the session
 * and, when logged in, the user's sessions with a revoke button each. Plain
 * forms, no JavaScript; the style is inline (secureHeaders sets no
 * Content-Security-Policy, so an inline <style> applies).
 */
export const homePage = ({ views, user, sessions = null, now = Math.floor(Date.now() / 1000), base = '' }: HomePageView) => html`<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Hono sessions on DynamoDB</title>
    <style>${raw(HOME_PAGE_STYLE)}</style>
  </head>
  <body>
    <main>
      <h1>Hono sessions on DynamoDB</h1>
      <section class="card">
        <p id="count">Visits to /private in this session: ${views}</p>
        <p id="user">${user ? html`Logged in as <strong>${user}</strong>.` : 'Not logged in.'}</p>
        <div class="row">
          <a class="button secondary" href="${base}/private">Visit /private</a>
          ${user
            ? html`<form id="logout" method="post" action="${base}/logout"><button type="submit" class="secondary">Log out</button></form>`
            : ''}
        </div>
        <form class="login" method="post" action="${base}/login">
          <label for="login-user">${user ? 'Switch user' : 'User'}</label>
          <input id="login-user" name="user" maxlength="64" autocomplete="username" required />
          <button type="submit">Log in</button>
        </form>
      </section>
      ${sessions ? sessionsCard(sessions, now, base) : ''}
    </main>
  </body>
</html>`

/** This device first, then the others newest first (the order the library lists them in). */
function sessionsCard(sessions: readonly DeviceSession[], now: number, base: string) {
  const others = sessions.filter((s) => !s.current).length
  return html`<section class="card" id="sessions" aria-labelledby="sessions-title">
        <h2 id="sessions-title">Your sessions</h2>
        <p class="hint">${sessions.length === 1 ? 'You are logged in on this device only.' : `You are logged in on ${sessions.length} devices.`}</p>
        <ul class="devices">
          ${[...sessions].sort((a, b) => Number(b.current) - Number(a.current)).map((s) => deviceRow(s, now, base))}
        </ul>
        <div class="row end">
          ${others > 0
            ? html`<form id="revoke-others" method="post" action="${base}/sessions/revoke-others"><button type="submit" class="secondary">Log out other devices</button></form>`
            : ''}
          <form id="logout-everywhere" method="post" action="${base}/logout">
            <input type="hidden" name="everywhere" value="true" />
            <button type="submit" class="danger">Log out everywhere</button>
          </form>
        </div>
      </section>`
}

function deviceRow(s: DeviceSession, now: number, base: string) {
  return html`<li class="device${s.current ? ' current' : ''}" data-handle="${s.handle}">
            <div class="what">
              <span class="agent">${s.userAgent || 'Unknown device'}</span>
              ${s.current ? html`<span class="badge">this device</span>` : ''}
              <span class="when">Signed in ${when(s.createdAt, now)} · last seen ${when(s.lastSeenAt, now)}</span>
            </div>
            ${s.current
              ? ''
              : html`<form method="post" action="${base}/sessions/${encodeURIComponent(s.handle)}/revoke"><button type="submit" class="secondary small">Revoke</button></form>`}
          </li>`
}

const when = (epoch: number, now: number) => {
  const iso = new Date(epoch * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')
  return html`<time datetime="${iso}" title="${iso.replace('T', ' ').replace('Z', ' UTC')}">${ago(now - epoch)}</time>`
}

/** "just now", "5 min ago", "3 h ago", "2 days ago". */
export function ago(seconds: number): string {
  if (seconds < 60) return 'just now'
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h ago`
  const days = Math.floor(seconds / 86_400)
  return days === 1 ? '1 day ago' : `${days} days ago`
}
