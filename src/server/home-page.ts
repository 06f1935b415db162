import { html } from 'hono/html'

/** The small HTML page at GET /: the count and links to try the session. */
export const homePage = ({ views, user }: { views: number; user: string | null }) => html`<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>Hono sessions on DynamoDB</title>
  </head>
  <body>
    <h1>Hono sessions on DynamoDB</h1>
    <p id="count">Visits to /private in this session: ${views}</p>
    <p id="user">${user ? html`Logged in as <strong>${user}</strong>.` : 'Not logged in.'}</p>
    <p><a href="/private">Visit /private</a></p>
    <form method="post" action="/login">
      <label>User <input name="user" maxlength="64" required /></label>
      <button type="submit">Log in</button>
    </form>
    <form method="post" action="/logout"><button type="submit">Log out</button></form>
  </body>
</html>`
