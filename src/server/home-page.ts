import { html } from 'hono/html'

/**
 * The small HTML page at GET /: the count and links to try the session. `base`
 * is the path prefix in front of the app's routes (`''`, or e.g. `/prod`).
 */
export const homePage = ({ views, user, base = '' }: { views: number; user: string | null; base?: string }) => html`<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>Hono sessions on DynamoDB</title>
  </head>
  <body>
    <h1>Hono sessions on DynamoDB</h1>
    <p id="count">Visits to /private in this session: ${views}</p>
    <p id="user">${user ? html`Logged in as <strong>${user}</strong>.` : 'Not logged in.'}</p>
    <p><a href="${base}/private">Visit /private</a></p>
    <form method="post" action="${base}/login">
      <label>User <input name="user" maxlength="64" required /></label>
      <button type="submit">Log in</button>
    </form>
    <form method="post" action="${base}/logout"><button type="submit">Log out</button></form>
  </body>
</html>`
