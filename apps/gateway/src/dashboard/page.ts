/**
 * The usage dashboard served at `GET /dashboard`. A tenant pastes its API key (kept in
 * sessionStorage, sent as `Authorization: Bearer`); the page then polls `GET /tenant` and
 * `GET /tenant/usage/series?granularity=minute&groupBy=model` every 5 s and draws its charts with
 * Chart.js, which this Worker serves itself (no CDN, no request anywhere else). See docs/usage.md.
 */
import { VENDOR_PATHS } from '../generated/assets.ts';
import { DASHBOARD_SCRIPT } from './client.ts';
import { renderPage, signInForm } from './layout.ts';

export { CHART_FONT_PX, DASHBOARD_REFRESH_MS } from './client.ts';

/**
 * The Content-Security-Policy the page works under: scripts from this origin (Chart.js) and its
 * own inline script, requests only to this origin, nothing else.
 */
export const DASHBOARD_CSP =
  "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; " +
  "img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const STYLE = `
form.signin { max-width: 28rem; margin: 3rem auto; background: var(--card); padding: 1.5rem; border-radius: 8px;
  border: 1px solid var(--line); display: grid; gap: .75rem; }
.toolbar { display: flex; flex-wrap: wrap; gap: .75rem; align-items: center; margin-bottom: 1rem; }
.tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: .75rem; margin: 0 0 1rem; }
.tile { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: .6rem .8rem; }
.tile dt { font-size: .85rem; color: var(--muted); }
.tile dd { margin: .15rem 0 0; font-size: 1.35rem; font-weight: 650; font-variant-numeric: tabular-nums; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 360px), 1fr)); gap: .75rem; }
section.card, figure.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px;
  padding: .75rem .9rem; margin: 0; min-width: 0; }
.card h2, figcaption { font-size: 1rem; font-weight: 650; margin: 0 0 .4rem; }
/* Chart.js sizes the canvas to this box: a fixed height, the card's width. */
.chart-box { position: relative; height: 240px; }
.table-scroll { overflow-x: auto; -webkit-overflow-scrolling: touch; }
table { width: 100%; border-collapse: collapse; font-variant-numeric: tabular-nums; font-size: .9rem; }
th, td { text-align: right; padding: .35rem .5rem; border-bottom: 1px solid var(--line); white-space: nowrap; }
th:first-child, td:first-child { text-align: left; }
tr.not-model th { font-style: italic; color: var(--muted); font-weight: 600; }
.wide { grid-column: 1 / -1; }
@media (max-width: 520px) { .tile dd { font-size: 1.1rem; } .chart-box { height: 220px; } }
`;

function figure(id: string, title: string): string {
  return `<figure class="card">
  <figcaption id="${id}-title">${title}</figcaption>
  <div class="chart-box"><canvas id="${id}" role="img" aria-labelledby="${id}-title" data-title="${title}"></canvas></div>
</figure>`;
}

const BODY = `
  ${signInForm('Kept in this tab only (sessionStorage) and sent as a Bearer token to this gateway.')}
  <div id="dashboard" hidden>
    <div class="toolbar">
      <label for="window">Window</label>
      <select id="window">
        <option value="15">Last 15 minutes</option>
        <option value="30" selected>Last 30 minutes</option>
        <option value="60">Last hour</option>
        <option value="360">Last 6 hours</option>
      </select>
      <span class="muted" id="status" role="status" aria-live="polite"></span>
      <a id="window-requests" href="/dashboard/logs">This window's requests</a>
      <span class="muted">(click a bar or point of a chart for that minute's)</span>
    </div>
    <h2 class="visually-hidden">Totals over the window</h2>
    <dl class="tiles">
      <div class="tile"><dt>Requests</dt><dd id="total-requests">–</dd></div>
      <div class="tile"><dt>Errors</dt><dd id="total-errors">–</dd></div>
      <div class="tile"><dt>Tokens in / out</dt><dd id="total-tokens">–</dd></div>
      <div class="tile"><dt>Cost</dt><dd id="total-cost">–</dd></div>
      <div class="tile"><dt>Latency p50 / p95</dt><dd id="latency">–</dd></div>
      <div class="tile"><dt>Time to first token p50</dt><dd id="ttft">–</dd></div>
      <div class="tile"><dt>Cache hit rate</dt><dd id="cache-rate">–</dd></div>
    </dl>
    <h2 class="visually-hidden">Charts per minute</h2>
    <div class="charts">
      ${figure('chart-requests', 'Requests and errors per minute')}
      ${figure('chart-tokens', 'Tokens per minute')}
      ${figure('chart-latency', 'Latency percentiles')}
      ${figure('chart-cost', 'Cost per minute (USD)')}
      ${figure('chart-cache', 'Cache hit rate')}
      <section class="card" aria-labelledby="errors-title">
        <h2 id="errors-title">Errors by code</h2>
        <ul id="error-codes"></ul>
        <p class="muted" id="errors-empty">No errors in this window.</p>
      </section>
      <section class="card" aria-labelledby="guardrails-title">
        <h2 id="guardrails-title">Guardrail decisions</h2>
        <div class="table-scroll" tabindex="0" aria-labelledby="guardrails-title">
          <table>
            <thead><tr><th scope="col">Rule</th><th scope="col">Action</th><th scope="col">Decisions</th></tr></thead>
            <tbody id="guardrails-body"></tbody>
          </table>
        </div>
        <p class="muted" id="guardrails-empty">No guardrail decisions in this window.</p>
      </section>
      <section class="card wide" aria-labelledby="models-title">
        <h2 id="models-title">Top models</h2>
        <div class="table-scroll" tabindex="0" aria-labelledby="models-title">
          <table>
            <thead><tr><th scope="col">Model</th><th scope="col">Requests</th><th scope="col">Errors</th>
              <th scope="col">Tokens</th><th scope="col">Cost</th><th scope="col">p50</th></tr></thead>
            <tbody id="models-body"></tbody>
          </table>
        </div>
        <p class="muted" id="models-empty">No requests in this window.</p>
      </section>
      <section class="card wide" aria-labelledby="branches-title">
        <h2 id="branches-title">Route branches</h2>
        <div class="table-scroll" tabindex="0" aria-labelledby="branches-title">
          <table>
            <thead><tr><th scope="col">Route@version/branch</th><th scope="col">Requests</th><th scope="col">Errors</th>
              <th scope="col">Tokens</th><th scope="col">Cost</th><th scope="col">p50</th></tr></thead>
            <tbody id="branches-body"></tbody>
          </table>
        </div>
        <p class="muted" id="branches-empty">No routed requests in this window: name a route as the model.</p>
      </section>
    </div>
  </div>`;

/** The dashboard document. */
export const DASHBOARD_HTML = renderPage({
  title: 'Usage',
  current: '/dashboard',
  style: STYLE,
  headerExtra: `<p class="muted" id="tenant-name" aria-live="polite"></p>
  <button type="button" class="secondary" id="signout" hidden>Sign out</button>`,
  body: BODY,
  scripts: [VENDOR_PATHS.chartJs],
  inlineScript: DASHBOARD_SCRIPT,
});
