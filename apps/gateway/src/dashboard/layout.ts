/**
 * The shell of the gateway's own pages (the usage dashboard; later ones such as a keys page reuse
 * it): one header with the page title and a nav, the shared styles, and the page's own body,
 * styles and scripts. Pages are plain HTML strings: no build step, and scripts come only from this
 * Worker (routes/assets.ts) or inline, never from a CDN.
 */

export interface NavLink {
  href: string;
  label: string;
}

/** The header's links, in order. A new page adds its entry here. */
export const NAV_LINKS: readonly NavLink[] = [
  { href: '/dashboard', label: 'Usage' },
  { href: '/dashboard/logs', label: 'Requests' },
  { href: '/dashboard/keys', label: 'Keys' },
  { href: '/docs', label: 'API reference' },
];

export const BASE_STYLE = `
:root { --fg: #1d2330; --muted: #4f586a; --bg: #f5f6f8; --card: #fff; --line: #d9dde5;
  --accent: #2f6fdf; --warn: #c23a25; font-family: system-ui, sans-serif; font-size: 16px; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); line-height: 1.4; }
header { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: center;
  padding: .75rem 1.25rem; background: var(--card); border-bottom: 1px solid var(--line); }
header h1 { font-size: 1.2rem; margin: 0; }
header nav { display: flex; gap: .25rem; flex-wrap: wrap; }
header nav a { color: var(--accent); text-decoration: none; padding: .3rem .55rem; border-radius: 6px; }
header nav a[aria-current="page"] { background: #e8effc; color: var(--fg); font-weight: 600; }
header .spacer { flex: 1; }
main { padding: 1rem 1.25rem 2rem; max-width: 1200px; margin: 0 auto; }
label { font-weight: 600; }
input, select, button { font: inherit; padding: .45rem .6rem; border-radius: 6px; border: 1px solid var(--line); }
button { background: var(--accent); color: #fff; border-color: var(--accent); cursor: pointer; }
button.secondary { background: transparent; color: var(--accent); }
:focus-visible { outline: 3px solid #8fb3ff; outline-offset: 2px; }
.error { color: var(--warn); min-height: 1.4em; margin: 0; }
.muted { color: var(--muted); }
[hidden] { display: none !important; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
@media (max-width: 520px) { main { padding: .75rem; } header { padding: .6rem .75rem; } }
`;

/** The pages' sign-in form (ids `signin`, `api-key`, `signin-error`), with the page's own help line. */
export function signInForm(help: string): string {
  return `<form class="signin" id="signin" hidden>
    <h2>Sign in</h2>
    <label for="api-key">Tenant API key</label>
    <input id="api-key" name="api-key" type="password" autocomplete="off" spellcheck="false" required
      aria-describedby="api-key-help signin-error">
    <p class="muted" id="api-key-help">${help}</p>
    <button type="submit">Sign in</button>
    <p class="error" id="signin-error" role="alert"></p>
  </form>`;
}

export interface PageParts {
  /** The document title and the header's heading. */
  title: string;
  /** The `href` of this page's nav link (marked `aria-current`). */
  current: string;
  style: string;
  /** Extra header content after the nav (e.g. the signed-in tenant, a sign-out button). */
  headerExtra?: string;
  body: string;
  /** Same-origin script URLs, loaded in order before the inline script. */
  scripts?: readonly string[];
  inlineScript: string;
}

export function renderPage(parts: PageParts): string {
  const nav = NAV_LINKS.map(
    (link) =>
      `<a href="${link.href}"${link.href === parts.current ? ' aria-current="page"' : ''}>${link.label}</a>`,
  ).join('');
  const scripts = (parts.scripts ?? []).map((src) => `<script src="${src}"></script>`).join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>AI Gateway · ${parts.title}</title>
<style>${BASE_STYLE}${parts.style}</style>
</head>
<body>
<header>
  <h1>AI Gateway ${parts.title.toLowerCase()}</h1>
  <nav aria-label="Gateway pages">${nav}</nav>
  <span class="spacer"></span>
  ${parts.headerExtra ?? ''}
</header>
<main>
${parts.body}
</main>
${scripts}
<script>${parts.inlineScript}</script>
</body>
</html>
`;
}
