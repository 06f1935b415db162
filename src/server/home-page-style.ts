// The home page's whole style: inline, no fonts or images to fetch. It is a constant
// written here, never built from input, so it is inserted unescaped.
export const HOME_PAGE_STYLE = `
:root {
  color-scheme: light dark;
  --bg: #f4f5f7; --card: #ffffff; --text: #1d2330; --muted: #5f6b7a; --line: #e3e6eb;
  --accent: #2f5bea; --accent-text: #ffffff; --danger: #c62b3b; --badge: #e6f4ea; --badge-text: #1e6b34;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #12151b; --card: #1b2029; --text: #e7eaf0; --muted: #9aa5b4; --line: #2b3240;
    --accent: #6f8cff; --accent-text: #0c1020; --danger: #ff6b78; --badge: #1f3a29; --badge-text: #9be3b0;
  }
}
* { box-sizing: border-box; }
body {
  margin: 0; background: var(--bg); color: var(--text);
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
}
main { max-width: 40rem; margin: 0 auto; padding: 2.5rem 1.25rem 4rem; }
h1 { font-size: 1.6rem; margin: 0 0 1.25rem; letter-spacing: -0.01em; }
h2 { font-size: 1.15rem; margin: 0 0 0.25rem; }
p { margin: 0 0 0.5rem; }
.card {
  background: var(--card); border: 1px solid var(--line); border-radius: 14px;
  padding: 1.25rem 1.4rem; margin-bottom: 1.25rem; box-shadow: 0 1px 2px rgb(0 0 0 / 0.04);
}
.hint { color: var(--muted); font-size: 0.92rem; }
.row { display: flex; flex-wrap: wrap; gap: 0.6rem; align-items: center; margin-top: 0.9rem; }
.row.end { justify-content: flex-end; }
form { margin: 0; }
.login { display: flex; flex-wrap: wrap; gap: 0.6rem; align-items: center; margin-top: 1rem; padding-top: 1rem; border-top: 1px solid var(--line); }
.login label { color: var(--muted); font-size: 0.92rem; }
input {
  flex: 1 1 10rem; min-width: 0; font: inherit; color: inherit; background: transparent;
  padding: 0.45rem 0.7rem; border: 1px solid var(--line); border-radius: 8px;
}
input:focus-visible, button:focus-visible, .button:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
button, .button {
  display: inline-block; font: inherit; font-weight: 600; line-height: 1.2; text-decoration: none; cursor: pointer;
  padding: 0.5rem 0.95rem; border-radius: 8px; border: 1px solid var(--accent);
  background: var(--accent); color: var(--accent-text);
}
button.secondary, .button.secondary { background: transparent; color: var(--accent); }
button.danger { background: var(--danger); border-color: var(--danger); color: #fff; }
button.small { padding: 0.3rem 0.7rem; font-size: 0.9rem; }
button:hover, .button:hover { filter: brightness(1.08); }
.devices { list-style: none; margin: 1rem 0 0; padding: 0; }
.device {
  display: flex; gap: 1rem; align-items: center; justify-content: space-between;
  padding: 0.8rem 0; border-top: 1px solid var(--line);
}
.device:first-child { border-top: 0; }
.what { display: flex; flex-wrap: wrap; align-items: baseline; gap: 0.2rem 0.6rem; }
.agent { font-weight: 600; }
.when { flex-basis: 100%; color: var(--muted); font-size: 0.9rem; }
.badge {
  font-size: 0.75rem; font-weight: 700; text-transform: uppercase; letter-spacing: 0.04em;
  padding: 0.1rem 0.5rem; border-radius: 999px; background: var(--badge); color: var(--badge-text);
}
time { text-decoration: underline dotted var(--line); }
`
