/**
 * The keys page served at `GET /dashboard/keys`: a tenant signed in with a key holding the `keys`
 * (or `admin`) scope lists its runtime keys, creates one (the secret shown once, with a copy
 * button), rotates and revokes. Same shell, sign-in and Content-Security-Policy as the usage
 * dashboard; no script from anywhere but this page. See docs/keys.md.
 */
import { KEYS_SCRIPT, ROTATION_GRACE_OPTIONS } from './keys-client.ts';
import { renderPage, signInForm } from './layout.ts';

export const KEYS_PAGE_PATH = '/dashboard/keys';

const STYLE = `
form.signin { max-width: 28rem; margin: 3rem auto; background: var(--card); padding: 1.5rem; border-radius: 8px;
  border: 1px solid var(--line); display: grid; gap: .75rem; }
section.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: .75rem .9rem;
  margin: 0 0 1rem; min-width: 0; }
.card h2 { font-size: 1rem; font-weight: 650; margin: 0 0 .5rem; }
form.create { display: flex; flex-wrap: wrap; gap: .6rem 1rem; align-items: end; }
form.create .field { display: grid; gap: .25rem; }
fieldset { border: 0; padding: 0; margin: 0; display: flex; flex-wrap: wrap; gap: .25rem .9rem; }
fieldset label { font-weight: 400; }
.secret { border-color: #e0b400; background: #fffbea; }
.secret-row { display: flex; gap: .5rem; flex-wrap: wrap; }
.secret-row input { flex: 1 1 22rem; font-family: ui-monospace, monospace; }
.table-scroll { overflow-x: auto; -webkit-overflow-scrolling: touch; }
table { width: 100%; border-collapse: collapse; font-size: .9rem; }
th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid var(--line); white-space: nowrap; }
td button { margin-right: .35rem; padding: .25rem .5rem; }
button.danger { background: transparent; color: var(--warn); border-color: var(--warn); }
.mono { font-family: ui-monospace, monospace; font-size: .85rem; }
tr[data-status="revoked"], tr[data-status="expired"] { color: var(--muted); }
`;

const GRACE_LABELS: Record<(typeof ROTATION_GRACE_OPTIONS)[number], string> = {
  0: 'no grace period',
  60: '1 minute',
  3600: '1 hour',
  86_400: '1 day',
};

const BODY = `
  ${signInForm('A key with the keys or admin scope. Kept in this tab only (sessionStorage).')}
  <div id="keys" hidden>
    <section class="card secret" id="secret" hidden aria-labelledby="secret-title">
      <h2 id="secret-title">Secret</h2>
      <p>Copy it now: it is shown this once and cannot be retrieved again.</p>
      <div class="secret-row">
        <label for="secret-value" class="visually-hidden">The new secret</label>
        <input id="secret-value" readonly spellcheck="false" autocomplete="off">
        <button type="button" id="secret-copy">Copy</button>
        <button type="button" class="secondary" id="secret-done">Done</button>
      </div>
      <p class="muted" id="secret-copied" role="status" aria-live="polite"></p>
    </section>
    <section class="card" aria-labelledby="create-title">
      <h2 id="create-title">Create a key</h2>
      <form class="create" id="create">
        <div class="field"><label for="key-name">Name</label>
          <input id="key-name" name="name" required maxlength="100" placeholder="e.g. billing app"></div>
        <fieldset><legend class="visually-hidden">Scopes</legend><div id="scopes"></div></fieldset>
        <div class="field"><label for="key-expiry">Expires (optional)</label>
          <input id="key-expiry" name="expiry" type="date"></div>
        <button type="submit">Create key</button>
      </form>
      <p class="error" id="create-error" role="alert"></p>
    </section>
    <section class="card" aria-labelledby="list-title">
      <h2 id="list-title">Runtime keys</h2>
      <p>
        <label for="grace">Rotation keeps the old secret working for</label>
        <select id="grace">${ROTATION_GRACE_OPTIONS.map((s) => `<option value="${s}">${GRACE_LABELS[s]}</option>`).join('')}</select>
      </p>
      <div class="table-scroll" tabindex="0" aria-labelledby="list-title">
        <table>
          <thead><tr><th scope="col">Name</th><th scope="col">Prefix</th><th scope="col">Status</th>
            <th scope="col">Scopes</th><th scope="col">Created</th><th scope="col">Last used</th>
            <th scope="col">Expires</th><th scope="col">Actions</th></tr></thead>
          <tbody id="keys-body"></tbody>
        </table>
      </div>
      <p class="muted" id="keys-empty">No runtime keys yet. Keys in the tenant config are not listed here.</p>
      <p class="muted" id="keys-status" role="status" aria-live="polite"></p>
    </section>
  </div>`;

export const KEYS_HTML = renderPage({
  title: 'Keys',
  current: KEYS_PAGE_PATH,
  style: STYLE,
  headerExtra: `<p class="muted" id="tenant-name" aria-live="polite"></p>
  <button type="button" class="secondary" id="signout" hidden>Sign out</button>`,
  body: BODY,
  inlineScript: KEYS_SCRIPT,
});
