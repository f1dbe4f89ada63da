/**
 * The usage dashboard served at `GET /dashboard`: one self-contained HTML document (inline CSS and
 * JS, charts drawn as inline SVG by the page's own code), so it needs no build step, no CDN and
 * makes no request other than to this gateway. A tenant pastes its API key (kept in
 * sessionStorage, sent as `Authorization: Bearer`); the page then polls `GET /tenant` and
 * `GET /tenant/usage/series?granularity=minute&groupBy=model` every 5 s. See docs/usage.md.
 *
 * The script below is plain browser JS inside a template literal: it uses no backticks and no
 * backslashes, and `${` only for the refresh interval, so the literal holds it verbatim.
 */

/** How often the page refreshes, ms. */
export const DASHBOARD_REFRESH_MS = 5000;

/**
 * The Content-Security-Policy the page works under: everything inline, requests only to this
 * origin, nothing else.
 */
export const DASHBOARD_CSP =
  "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; " +
  "img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const STYLE = `
:root { --fg: #1d2330; --muted: #5b6475; --bg: #f5f6f8; --card: #fff; --line: #d9dde5;
  --accent: #2f6fdf; --accent2: #14a37f; --warn: #d6452f; --amber: #c98a00; font-family: system-ui, sans-serif; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); line-height: 1.4; }
header { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: center; justify-content: space-between;
  padding: .75rem 1.25rem; background: var(--card); border-bottom: 1px solid var(--line); }
header h1 { font-size: 1.2rem; margin: 0; }
main { padding: 1rem 1.25rem 2rem; max-width: 1200px; margin: 0 auto; }
form.signin { max-width: 28rem; margin: 3rem auto; background: var(--card); padding: 1.5rem; border-radius: 8px;
  border: 1px solid var(--line); display: grid; gap: .75rem; }
label { font-weight: 600; }
input, select, button { font: inherit; padding: .45rem .6rem; border-radius: 6px; border: 1px solid var(--line); }
button { background: var(--accent); color: #fff; border-color: var(--accent); cursor: pointer; }
button.secondary { background: transparent; color: var(--accent); }
:focus-visible { outline: 3px solid #8fb3ff; outline-offset: 2px; }
.error { color: var(--warn); min-height: 1.4em; margin: 0; }
.muted { color: var(--muted); }
.toolbar { display: flex; flex-wrap: wrap; gap: .75rem; align-items: center; margin-bottom: 1rem; }
.tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: .75rem; margin: 0 0 1rem; }
.tile { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: .6rem .8rem; }
.tile dt { font-size: .8rem; color: var(--muted); }
.tile dd { margin: .15rem 0 0; font-size: 1.35rem; font-weight: 650; font-variant-numeric: tabular-nums; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 360px), 1fr)); gap: .75rem; }
section.card, figure.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px;
  padding: .75rem .9rem; margin: 0; }
.card h2, figcaption { font-size: 1rem; font-weight: 650; margin: 0 0 .4rem; }
svg.chart { width: 100%; height: auto; display: block; }
svg.chart text { font-size: 10px; fill: var(--muted); }
.legend { display: flex; flex-wrap: wrap; gap: .75rem; font-size: .8rem; color: var(--muted); margin: .3rem 0 0;
  padding: 0; list-style: none; }
.legend i { display: inline-block; width: .8em; height: .8em; border-radius: 2px; margin-right: .3em; vertical-align: -1px; }
table { width: 100%; border-collapse: collapse; font-variant-numeric: tabular-nums; font-size: .9rem; }
th, td { text-align: right; padding: .3rem .4rem; border-bottom: 1px solid var(--line); }
th:first-child, td:first-child { text-align: left; overflow-wrap: anywhere; }
.wide { grid-column: 1 / -1; }
[hidden] { display: none !important; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
@media (max-width: 520px) { main { padding: .75rem; } .tile dd { font-size: 1.1rem; } }
`;

const SCRIPT = `
(function () {
  'use strict';
  var KEY = 'aigw.dashboard.apiKey';
  var REFRESH_MS = ${DASHBOARD_REFRESH_MS};
  var COLORS = { requests: '#2f6fdf', errors: '#d6452f', input: '#2f6fdf', output: '#14a37f', cost: '#c98a00',
    p50: '#2f6fdf', p95: '#d6452f', ttft: '#14a37f', cache: '#7b4fd6' };
  var SVG = 'http://www.w3.org/2000/svg';
  var timer = null;
  var $ = function (id) { return document.getElementById(id); };

  function fmtInt(n) { return n === null || n === undefined ? '–' : Math.round(n).toLocaleString('en-US'); }
  function fmtMs(n) { return n === null || n === undefined ? '–' : (n < 10 ? n.toFixed(1) : Math.round(n).toLocaleString('en-US')) + ' ms'; }
  function fmtUsd(n) { return n === 0 ? '$0' : '$' + (n < 0.01 ? n.toPrecision(2) : n.toFixed(2)); }
  function fmtPct(n) { return n === null || n === undefined ? '–' : (n * 100).toFixed(1) + ' %'; }
  function hhmm(iso) { var d = new Date(iso); return String(d.getHours()).padStart(2, '0') + ':' + String(d.getMinutes()).padStart(2, '0'); }

  function api(path) {
    var key = sessionStorage.getItem(KEY);
    return fetch(path, { headers: { authorization: 'Bearer ' + key, accept: 'application/json' } }).then(function (res) {
      return res.json().catch(function () { return null; }).then(function (body) {
        if (!res.ok) {
          var message = body && body.error && body.error.message ? body.error.message : 'HTTP ' + res.status;
          var error = new Error(message); error.status = res.status; throw error;
        }
        return body;
      });
    });
  }

  function el(name, attrs, parent) {
    var node = document.createElementNS(SVG, name);
    for (var k in attrs) node.setAttribute(k, String(attrs[k]));
    if (parent) parent.appendChild(node);
    return node;
  }

  /** Draws bars (stacked when several) and lines over the buckets; null values break a line. */
  function chart(svgId, labels, series, format) {
    var svg = $(svgId);
    var W = 600, H = 220, L = 64, R = 10, T = 10, B = 26;
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    svg.setAttribute('viewBox', '0 0 ' + W + ' ' + H);
    var n = labels.length, max = 0;
    for (var i = 0; i < n; i++) {
      var stack = 0;
      series.forEach(function (s) {
        var v = s.values[i] || 0;
        if (s.kind === 'bar') stack += v; else max = Math.max(max, v);
      });
      max = Math.max(max, stack);
    }
    if (max <= 0) max = 1;
    var x = function (i) { return L + (W - L - R) * i / Math.max(1, n); };
    var y = function (v) { return T + (H - T - B) * (1 - v / max); };
    for (var g = 0; g <= 4; g++) {
      var gv = max * g / 4;
      el('line', { x1: L, x2: W - R, y1: y(gv), y2: y(gv), stroke: '#e6e9ef' }, svg);
      el('text', { x: L - 6, y: y(gv) + 3, 'text-anchor': 'end' }, svg).textContent = format(gv);
    }
    var every = Math.max(1, Math.ceil(n / 6));
    for (var t = 0; t < n; t += every) {
      el('text', { x: x(t) + 2, y: H - 8 }, svg).textContent = hhmm(labels[t]);
    }
    var bw = (W - L - R) / Math.max(1, n);
    var base = new Array(n).fill(0);
    series.forEach(function (s) {
      if (s.kind !== 'bar') return;
      for (var i = 0; i < n; i++) {
        var v = s.values[i] || 0;
        if (v <= 0) continue;
        el('rect', { x: x(i) + 1, width: Math.max(1, bw - 2), y: y(base[i] + v), height: y(base[i]) - y(base[i] + v),
          fill: s.color, 'data-series': s.name }, svg);
        base[i] += v;
      }
    });
    series.forEach(function (s) {
      if (s.kind !== 'line') return;
      var d = '', pen = false;
      for (var i = 0; i < n; i++) {
        var v = s.values[i];
        if (v === null || v === undefined) { pen = false; continue; }
        d += (pen ? 'L' : 'M') + (x(i) + bw / 2).toFixed(1) + ' ' + y(v).toFixed(1) + ' ';
        pen = true;
        el('circle', { cx: x(i) + bw / 2, cy: y(v), r: 2, fill: s.color }, svg);
      }
      if (d) el('path', { d: d, fill: 'none', stroke: s.color, 'stroke-width': 2, 'data-series': s.name }, svg);
    });
    var total = series.reduce(function (sum, s) {
      return sum + s.values.reduce(function (a, v) { return a + (v || 0); }, 0);
    }, 0);
    svg.setAttribute('data-total', String(total));
    svg.setAttribute('aria-label', svg.getAttribute('data-title') + ': ' + series.map(function (s) {
      var last = null;
      for (var i = n - 1; i >= 0; i--) if (s.values[i] !== null && s.values[i] !== undefined) { last = s.values[i]; break; }
      return s.name + ' latest ' + (last === null ? 'none' : format(last));
    }).join(', '));
  }

  function setText(id, text) { $(id).textContent = text; }

  function render(tenant, series) {
    var t = series.total;
    setText('tenant-name', tenant.tenant.name + ' · key ' + tenant.key.label);
    setText('total-requests', fmtInt(t.requests));
    setText('total-errors', fmtInt(t.errors) + (t.requests ? ' (' + fmtPct(t.errors / t.requests) + ')' : ''));
    setText('total-tokens', fmtInt(t.inputTokens) + ' / ' + fmtInt(t.outputTokens));
    setText('total-cost', fmtUsd(t.costUsd));
    setText('latency', fmtMs(t.latencyMs.p50) + ' / ' + fmtMs(t.latencyMs.p95));
    setText('ttft', fmtMs(t.ttftMs.p50));
    setText('cache-rate', fmtPct(t.cacheHitRate));
    $('total-requests').setAttribute('data-value', String(t.requests));

    var labels = series.buckets.map(function (b) { return b.start; });
    var pick = function (f) { return series.buckets.map(function (b) { return f(b.total); }); };
    chart('chart-requests', labels, [
      { name: 'Successful', kind: 'bar', color: COLORS.requests, values: pick(function (m) { return m.requests - m.errors; }) },
      { name: 'Errors', kind: 'bar', color: COLORS.errors, values: pick(function (m) { return m.errors; }) },
    ], fmtInt);
    chart('chart-tokens', labels, [
      { name: 'Input tokens', kind: 'bar', color: COLORS.input, values: pick(function (m) { return m.inputTokens; }) },
      { name: 'Output tokens', kind: 'bar', color: COLORS.output, values: pick(function (m) { return m.outputTokens; }) },
    ], fmtInt);
    chart('chart-cost', labels, [
      { name: 'Cost', kind: 'line', color: COLORS.cost, values: pick(function (m) { return m.requests ? m.costUsd : null; }) },
    ], fmtUsd);
    chart('chart-latency', labels, [
      { name: 'p50', kind: 'line', color: COLORS.p50, values: pick(function (m) { return m.latencyMs.p50; }) },
      { name: 'p95', kind: 'line', color: COLORS.p95, values: pick(function (m) { return m.latencyMs.p95; }) },
      { name: 'TTFT p50', kind: 'line', color: COLORS.ttft, values: pick(function (m) { return m.ttftMs.p50; }) },
    ], fmtMs);
    chart('chart-cache', labels, [
      { name: 'Hit rate', kind: 'line', color: COLORS.cache, values: pick(function (m) { return m.cacheHitRate; }) },
    ], function (v) { return fmtPct(v); });

    var body = $('models-body');
    while (body.firstChild) body.removeChild(body.firstChild);
    var groups = (series.groups || []).slice(0, 8);
    groups.forEach(function (g) {
      var row = document.createElement('tr');
      [g.key, fmtInt(g.total.requests), fmtInt(g.total.errors), fmtInt(g.total.inputTokens + g.total.outputTokens),
        fmtUsd(g.total.costUsd), fmtMs(g.total.latencyMs.p50)].forEach(function (text, i) {
        var cell = document.createElement(i === 0 ? 'th' : 'td');
        if (i === 0) cell.setAttribute('scope', 'row');
        cell.textContent = text;
        row.appendChild(cell);
      });
      body.appendChild(row);
    });
    $('models-empty').hidden = groups.length > 0;

    var codes = $('error-codes');
    while (codes.firstChild) codes.removeChild(codes.firstChild);
    Object.keys(t.errorsByCode).forEach(function (code) {
      var item = document.createElement('li');
      item.textContent = code + ': ' + fmtInt(t.errorsByCode[code]);
      codes.appendChild(item);
    });
    $('errors-empty').hidden = Object.keys(t.errorsByCode).length > 0;
  }

  function refresh() {
    var minutes = Number($('window').value);
    var to = new Date();
    var from = new Date(to.getTime() - minutes * 60000);
    var query = '?from=' + encodeURIComponent(from.toISOString()) + '&to=' + encodeURIComponent(to.toISOString()) +
      '&granularity=minute&groupBy=model';
    return Promise.all([api('/tenant'), api('/tenant/usage/series' + query)]).then(function (results) {
      render(results[0], results[1]);
      setText('status', 'Updated ' + new Date().toLocaleTimeString());
      $('dashboard').setAttribute('data-updates', String(Number($('dashboard').getAttribute('data-updates') || 0) + 1));
    }).catch(function (error) {
      if (error.status === 401) { signOut('That key was not accepted: ' + error.message); return; }
      setText('status', 'Could not refresh: ' + error.message);
    });
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(function () { refresh().then(schedule); }, REFRESH_MS);
  }

  function show(signedIn) {
    $('signin').hidden = signedIn;
    $('dashboard').hidden = !signedIn;
    $('signout').hidden = !signedIn;
  }

  function signOut(message) {
    clearTimeout(timer);
    sessionStorage.removeItem(KEY);
    show(false);
    setText('signin-error', message || '');
    $('api-key').focus();
  }

  function start() {
    show(true);
    setText('status', 'Loading…');
    refresh().then(function () { if (sessionStorage.getItem(KEY)) schedule(); });
  }

  $('signin').addEventListener('submit', function (event) {
    event.preventDefault();
    var key = $('api-key').value.trim();
    if (!key) { setText('signin-error', 'Paste an API key first.'); return; }
    sessionStorage.setItem(KEY, key);
    $('api-key').value = '';
    setText('signin-error', '');
    start();
  });
  $('signout').addEventListener('click', function () { signOut(''); });
  $('window').addEventListener('change', function () { refresh(); });
  if (sessionStorage.getItem(KEY)) start(); else show(false);
})();
`;

function figure(id: string, title: string, legend: [string, string][], wide = false): string {
  const items = legend.map(([name, color]) => `<li><i style="background:${color}"></i>${name}</li>`).join('');
  return `<figure class="card${wide ? ' wide' : ''}">
  <figcaption id="${id}-title">${title}</figcaption>
  <svg class="chart" id="${id}" role="img" aria-labelledby="${id}-title" data-title="${title}" viewBox="0 0 600 220"></svg>
  <ul class="legend">${items}</ul>
</figure>`;
}

/** The dashboard document. */
export const DASHBOARD_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>AI Gateway · Usage</title>
<style>${STYLE}</style>
</head>
<body>
<header>
  <h1>AI Gateway usage</h1>
  <p class="muted" id="tenant-name" aria-live="polite"></p>
  <button type="button" class="secondary" id="signout" hidden>Sign out</button>
</header>
<main>
  <form class="signin" id="signin" hidden>
    <h2>Sign in</h2>
    <label for="api-key">Tenant API key</label>
    <input id="api-key" name="api-key" type="password" autocomplete="off" spellcheck="false" required
      aria-describedby="api-key-help signin-error">
    <p class="muted" id="api-key-help">Kept in this tab only (sessionStorage) and sent as a Bearer token to this gateway.</p>
    <button type="submit">Sign in</button>
    <p class="error" id="signin-error" role="alert"></p>
  </form>
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
      ${figure('chart-requests', 'Requests and errors per minute', [
        ['Successful', '#2f6fdf'],
        ['Errors', '#d6452f'],
      ])}
      ${figure('chart-tokens', 'Tokens per minute', [
        ['Input', '#2f6fdf'],
        ['Output', '#14a37f'],
      ])}
      ${figure('chart-latency', 'Latency percentiles', [
        ['p50', '#2f6fdf'],
        ['p95', '#d6452f'],
        ['TTFT p50', '#14a37f'],
      ])}
      ${figure('chart-cost', 'Cost per minute (USD)', [['Cost', '#c98a00']])}
      ${figure('chart-cache', 'Cache hit rate', [['Hit rate', '#7b4fd6']])}
      <section class="card" aria-labelledby="errors-title">
        <h2 id="errors-title">Errors by code</h2>
        <ul id="error-codes"></ul>
        <p class="muted" id="errors-empty">No errors in this window.</p>
      </section>
      <section class="card wide" aria-labelledby="models-title">
        <h2 id="models-title">Top models</h2>
        <table>
          <thead><tr><th scope="col">Model</th><th scope="col">Requests</th><th scope="col">Errors</th>
            <th scope="col">Tokens</th><th scope="col">Cost</th><th scope="col">p50</th></tr></thead>
          <tbody id="models-body"></tbody>
        </table>
        <p class="muted" id="models-empty">No requests in this window.</p>
      </section>
    </div>
  </div>
</main>
<script>${SCRIPT}</script>
</body>
</html>
`;
