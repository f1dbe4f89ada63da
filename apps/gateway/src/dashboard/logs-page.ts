/**
 * The request log page served at `GET /dashboard/logs`: a tenant signed in with a key holding the
 * `logs` (or `admin`) scope filters its requests, pages through them, and opens one to see its
 * attempts as a timeline, its tool calls, guardrail decisions and (when kept) its bodies, and to
 * give feedback. The usage page links here for the minute of a chart's bar. Same shell, sign-in
 * and Content-Security-Policy as the other pages; no script from anywhere but this page.
 */
import { LOGS_SCRIPT } from './logs-client.ts';
import { renderPage, signInForm } from './layout.ts';

const STYLE = `
form.signin { max-width: 28rem; margin: 3rem auto; background: var(--card); padding: 1.5rem; border-radius: 8px;
  border: 1px solid var(--line); display: grid; gap: .75rem; }
section.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: .75rem .9rem;
  margin: 0 0 1rem; min-width: 0; }
.card h2 { font-size: 1rem; font-weight: 650; margin: 0 0 .5rem; }
form.filters { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(100%, 13.5rem), 1fr)); gap: .5rem .75rem; align-items: end; }
form.filters .field { display: grid; gap: .2rem; min-width: 0; }
form.filters input, form.filters select { width: 100%; min-width: 0; box-sizing: border-box; }
.actions { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; }
.table-scroll { overflow-x: auto; -webkit-overflow-scrolling: touch; }
table { width: 100%; border-collapse: collapse; font-size: .9rem; font-variant-numeric: tabular-nums; }
th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid var(--line); white-space: nowrap; }
td.num { text-align: right; }
tr[data-error="true"] td.status { color: var(--warn); font-weight: 600; }
td button { padding: .2rem .5rem; }
.mono { font-family: ui-monospace, monospace; font-size: .85rem; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem .9rem; margin: 0 0 .75rem; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
.timeline { display: grid; gap: .35rem; margin: .25rem 0 .75rem; }
.lane { display: grid; grid-template-columns: minmax(9rem, 14rem) 1fr; gap: .5rem; align-items: center; font-size: .85rem; }
.track { position: relative; height: 1.1rem; background: #eef1f6; border-radius: 4px; }
.bar { position: absolute; top: 0; bottom: 0; min-width: 3px; border-radius: 4px; background: var(--accent); }
.bar[data-outcome="error"], .bar[data-outcome="timeout"], .bar[data-outcome="circuit_open"], .bar[data-outcome="cancelled"] { background: var(--warn); }
.bar[data-kind="tool"] { background: #14a37f; }
pre.body { background: #f7f8fa; border: 1px solid var(--line); border-radius: 6px; padding: .5rem; max-height: 20rem;
  overflow: auto; white-space: pre-wrap; overflow-wrap: anywhere; font-size: .8rem; }
form.feedback { display: flex; flex-wrap: wrap; gap: .5rem; align-items: end; }
@media (max-width: 520px) { .lane { grid-template-columns: 1fr; } }
`;

const field = (id: string, label: string, input: string): string =>
  `<div class="field"><label for="${id}">${label}</label>${input}</div>`;

const BODY = `
  ${signInForm('A key with the logs or admin scope. Kept in this tab only (sessionStorage).')}
  <div id="logs" hidden>
    <section class="card" aria-labelledby="filters-title">
      <h2 id="filters-title">Filters</h2>
      <form class="filters" id="filters">
        ${field('f-from', 'From', '<input id="f-from" name="from" type="datetime-local" step="1">')}
        ${field('f-to', 'To', '<input id="f-to" name="to" type="datetime-local" step="1">')}
        ${field('f-status', 'Status', '<select id="f-status" name="status"><option value="">Any</option><option value="error">Errors</option><option value="ok">Successful</option><option value="429">429</option><option value="500">500</option><option value="502">502</option></select>')}
        ${field('f-model', 'Model', '<input id="f-model" name="model" placeholder="model id, alias or route">')}
        ${field('f-key', 'Key id', '<input id="f-key" name="keyId">')}
        ${field('f-route', 'API route', '<input id="f-route" name="route" placeholder="/v1/chat/completions">')}
        ${field('f-user', 'User', '<input id="f-user" name="user">')}
        ${field('f-code', 'Error code', '<input id="f-code" name="errorCode">')}
        ${field('f-metadata', 'Metadata', '<input id="f-metadata" name="metadata" placeholder="name:value">')}
        ${field('f-cost', 'Min cost (USD)', '<input id="f-cost" name="minCost" inputmode="decimal">')}
        ${field('f-duration', 'Min duration (ms)', '<input id="f-duration" name="minDurationMs" inputmode="numeric">')}
        <div class="actions"><button type="submit">Apply</button>
          <button type="button" class="secondary" id="clear">Clear</button>
          <button type="button" class="secondary" id="csv">Download CSV</button></div>
      </form>
      <p class="error" id="filters-error" role="alert"></p>
    </section>
    <section class="card" aria-labelledby="list-title">
      <h2 id="list-title">Requests</h2>
      <div class="table-scroll" tabindex="0" aria-labelledby="list-title">
        <table>
          <thead><tr><th scope="col">Time</th><th scope="col">Status</th><th scope="col">Route</th>
            <th scope="col">Model</th><th scope="col">Key</th><th scope="col">User</th>
            <th scope="col">Tokens</th><th scope="col">Cost</th><th scope="col">Duration</th><th scope="col">Entry</th></tr></thead>
          <tbody id="entries-body"></tbody>
        </table>
      </div>
      <p class="muted" id="entries-empty" hidden>No requests match these filters.</p>
      <div class="actions"><button type="button" class="secondary" id="more" hidden>Load more</button>
        <span class="muted" id="entries-status" role="status" aria-live="polite"></span></div>
    </section>
    <section class="card" id="entry" hidden aria-labelledby="entry-title" tabindex="-1">
      <h2 id="entry-title">Request</h2>
      <dl class="facts" id="entry-facts"></dl>
      <h3>Attempts and tool calls</h3>
      <div class="timeline" id="timeline" role="list" aria-label="Attempts and tool calls over the request's duration"></div>
      <div id="entry-bodies"></div>
      <form class="feedback" id="feedback">
        ${field('fb-score', 'Feedback', '<select id="fb-score" name="score"><option value="1">Good (1)</option><option value="-1">Bad (−1)</option></select>')}
        ${field('fb-comment', 'Comment', '<input id="fb-comment" name="comment" maxlength="2000">')}
        <button type="submit">Send feedback</button>
      </form>
      <p class="muted" id="feedback-status" role="status" aria-live="polite"></p>
    </section>
  </div>`;

export const LOGS_HTML = renderPage({
  title: 'Requests',
  current: '/dashboard/logs',
  style: STYLE,
  headerExtra: `<p class="muted" id="tenant-name" aria-live="polite"></p>
  <button type="button" class="secondary" id="signout" hidden>Sign out</button>`,
  body: BODY,
  inlineScript: LOGS_SCRIPT,
});
