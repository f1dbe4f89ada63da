/**
 * The dashboard's browser script: plain JS in a template literal, run after Chart.js (served by
 * this Worker, see routes/assets.ts) has defined `window.Chart`. It uses no backticks and no
 * backslashes, and `${` only for the values interpolated below, so the literal holds it verbatim.
 *
 * Chart.js draws on a canvas sized to its box in CSS pixels (times the device pixel ratio), so a
 * font size in its options is the size on screen; it brings tooltips, touch and axis layout.
 */
import { FAILED_BEFORE_ROUTING, NO_MODEL, REFUSED_BEFORE_ROUTING } from '@aigw/observability';

/** Where the pages keep the tenant's key: this tab's sessionStorage, shared by the usage and keys pages. */
export const DASHBOARD_KEY_STORAGE = 'aigw.dashboard.apiKey';

/** How often the page refreshes, ms. */
/**
 * What the keys and log pages' scripts share (spliced into their function scope): `$`, `setText`,
 * `api(method, path, body, accept)`, which calls this gateway with the tab's key and rejects with
 * the gateway's error message and `status` (a `text/csv` answer comes back as text), and
 * `signIn(section, start)`, which wires the sign-in form and the sign-out button around the page's
 * section and returns its `show(signedIn)`, `signOut(message)` and `begin()` (start if the tab
 * holds a key, else ask for one).
 */
export const PAGE_API_SCRIPT = `
  var KEY = ${JSON.stringify(DASHBOARD_KEY_STORAGE)};
  var $ = function (id) { return document.getElementById(id); };
  function setText(id, text) { $(id).textContent = text; }

  function api(method, path, body, accept) {
    var headers = { authorization: 'Bearer ' + sessionStorage.getItem(KEY), accept: accept || 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    return fetch(path, { method: method, headers: headers, body: body === undefined ? undefined : JSON.stringify(body) })
      .then(function (res) {
        if (accept === 'text/csv' && res.ok) return res.text();
        return res.json().catch(function () { return null; }).then(function (data) {
          if (!res.ok) {
            var message = data && data.error && data.error.message ? data.error.message : 'HTTP ' + res.status;
            var error = new Error(message); error.status = res.status; throw error;
          }
          return data;
        });
      });
  }

  function signIn(section, start) {
    function show(signedIn) {
      $('signin').hidden = signedIn;
      $(section).hidden = !signedIn;
      $('signout').hidden = !signedIn;
    }
    function signOut(message) {
      sessionStorage.removeItem(KEY);
      show(false);
      setText('tenant-name', '');
      setText('signin-error', message || '');
    }
    $('signin').addEventListener('submit', function (event) {
      event.preventDefault();
      var key = $('api-key').value.trim();
      if (!key) { setText('signin-error', 'Paste an API key first.'); return; }
      sessionStorage.setItem(KEY, key);
      $('api-key').value = '';
      start();
    });
    $('signout').addEventListener('click', function () { signOut(''); });
    return {
      show: show,
      signOut: signOut,
      begin: function () { if (sessionStorage.getItem(KEY)) start(); else show(false); },
    };
  }
`;

export const DASHBOARD_REFRESH_MS = 5000;
/** The smallest text the charts draw, CSS px (axis ticks, legends, tooltips). */
export const CHART_FONT_PX = 12;

/** Group keys that are not model ids; the table shows them as such. */
const NOT_MODELS = [NO_MODEL, REFUSED_BEFORE_ROUTING, FAILED_BEFORE_ROUTING];

export const DASHBOARD_SCRIPT = `
(function () {
  'use strict';
  var KEY = ${JSON.stringify(DASHBOARD_KEY_STORAGE)};
  var REFRESH_MS = ${DASHBOARD_REFRESH_MS};
  var NOT_MODELS = ${JSON.stringify(NOT_MODELS)};
  var COLORS = { ok: '#2f6fdf', errors: '#d6452f', input: '#2f6fdf', output: '#14a37f', cost: '#b07800',
    p50: '#2f6fdf', p95: '#d6452f', ttft: '#14a37f', cache: '#7b4fd6' };
  var timer = null;
  var charts = {};
  var $ = function (id) { return document.getElementById(id); };

  Chart.defaults.font.size = ${CHART_FONT_PX};
  Chart.defaults.font.family = 'system-ui, sans-serif';
  Chart.defaults.color = '#4f586a';

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

  var lastBuckets = [];

  /** The request log page for one bucket (a minute) of the charts: a spike's requests. */
  function requestsOf(index) {
    var bucket = lastBuckets[index];
    if (!bucket) return null;
    var from = new Date(bucket.start);
    var to = new Date(from.getTime() + 60000);
    return '/dashboard/logs?from=' + encodeURIComponent(from.toISOString()) + '&to=' + encodeURIComponent(to.toISOString());
  }

  function options(format, stacked, max) {
    return {
      // Clicking a minute opens its requests in the request log.
      onClick: function (_event, elements) {
        var target = elements.length ? requestsOf(elements[0].index) : null;
        if (target) location.href = target;
      },
      onHover: function (event, elements) { event.native.target.style.cursor = elements.length ? 'pointer' : 'default'; },
      responsive: true, maintainAspectRatio: false, animation: false,
      // Hovering (or touching) anywhere over a minute shows every series of that minute.
      interaction: { mode: 'index', intersect: false },
      scales: {
        x: { stacked: stacked, grid: { display: false }, ticks: { autoSkip: true, maxTicksLimit: 7, maxRotation: 0 } },
        y: { stacked: stacked, beginAtZero: true, max: max, ticks: { maxTicksLimit: 5, callback: function (v) { return format(v); } } },
      },
      plugins: {
        legend: { position: 'bottom', labels: { boxWidth: 12, boxHeight: 12 } },
        tooltip: { callbacks: { label: function (item) { return ' ' + item.dataset.label + ': ' + format(item.parsed.y); } } },
      },
    };
  }

  /** Creates the chart on first use, then only swaps its data (no re-layout flicker every poll). */
  function draw(id, type, labels, datasets, format, max) {
    var canvas = $(id);
    var total = 0;
    datasets.forEach(function (d) { d.data.forEach(function (v) { total += v || 0; }); });
    canvas.setAttribute('data-total', String(total));
    canvas.setAttribute('aria-label', canvas.getAttribute('data-title') + ': ' + datasets.map(function (d) {
      var last = null;
      for (var i = d.data.length - 1; i >= 0; i--) if (d.data[i] !== null && d.data[i] !== undefined) { last = d.data[i]; break; }
      return d.label + ' latest ' + (last === null ? 'none' : format(last));
    }).join(', '));
    datasets.forEach(function (d) {
      d.backgroundColor = d.color; d.borderColor = d.color;
      if (type === 'line') { d.pointRadius = 2; d.borderWidth = 2; d.spanGaps = false; }
    });
    var chart = charts[id];
    if (!chart) {
      charts[id] = new Chart(canvas, { type: type, data: { labels: labels, datasets: datasets },
        options: options(format, type === 'bar', max) });
      return;
    }
    chart.data.labels = labels;
    datasets.forEach(function (d, i) { chart.data.datasets[i].data = d.data; });
    chart.update('none');
  }

  function setText(id, text) { $(id).textContent = text; }

  /** One row per group: requests, errors, tokens, cost and median latency. */
  function fillTable(name, groups, muted) {
    var body = $(name + '-body');
    while (body.firstChild) body.removeChild(body.firstChild);
    groups.forEach(function (g) {
      var row = document.createElement('tr');
      if (muted.indexOf(g.key) >= 0) row.className = 'not-model';
      [g.key, fmtInt(g.total.requests), fmtInt(g.total.errors), fmtInt(g.total.inputTokens + g.total.outputTokens),
        fmtUsd(g.total.costUsd), fmtMs(g.total.latencyMs.p50)].forEach(function (text, i) {
        var cell = document.createElement(i === 0 ? 'th' : 'td');
        if (i === 0) cell.setAttribute('scope', 'row');
        cell.textContent = text;
        row.appendChild(cell);
      });
      body.appendChild(row);
    });
    $(name + '-empty').hidden = groups.length > 0;
  }

  function render(tenant, series, branches) {
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

    lastBuckets = series.buckets;
    var labels = series.buckets.map(function (b) { return hhmm(b.start); });
    var windowStart = series.buckets.length ? series.buckets[0].start : null;
    if (windowStart) {
      $('window-requests').href = '/dashboard/logs?from=' + encodeURIComponent(windowStart) + '&to=' + encodeURIComponent(series.to);
    }
    var pick = function (f) { return series.buckets.map(function (b) { return f(b.total); }); };
    draw('chart-requests', 'bar', labels, [
      { label: 'Successful', color: COLORS.ok, data: pick(function (m) { return m.requests - m.errors; }) },
      { label: 'Errors', color: COLORS.errors, data: pick(function (m) { return m.errors; }) },
    ], fmtInt);
    draw('chart-tokens', 'bar', labels, [
      { label: 'Input', color: COLORS.input, data: pick(function (m) { return m.inputTokens; }) },
      { label: 'Output', color: COLORS.output, data: pick(function (m) { return m.outputTokens; }) },
    ], fmtInt);
    draw('chart-latency', 'line', labels, [
      { label: 'p50', color: COLORS.p50, data: pick(function (m) { return m.latencyMs.p50; }) },
      { label: 'p95', color: COLORS.p95, data: pick(function (m) { return m.latencyMs.p95; }) },
      { label: 'TTFT p50', color: COLORS.ttft, data: pick(function (m) { return m.ttftMs.p50; }) },
    ], fmtMs);
    draw('chart-cost', 'line', labels, [
      { label: 'Cost', color: COLORS.cost, data: pick(function (m) { return m.requests ? m.costUsd : null; }) },
    ], fmtUsd);
    draw('chart-cache', 'line', labels, [
      { label: 'Hit rate', color: COLORS.cache, data: pick(function (m) { return m.cacheHitRate; }) },
    ], fmtPct, 1);

    fillTable('models', (series.groups || []).slice(0, 8), NOT_MODELS);
    // Requests that took no route are the other table's; this one compares the branches of an A/B.
    fillTable('branches', (branches.groups || []).filter(function (g) { return g.key !== 'no route'; }), []);

    // Guardrail decisions over the window, one row per rule and action (docs/guardrails.md).
    var guarded = $('guardrails-body');
    while (guarded.firstChild) guarded.removeChild(guarded.firstChild);
    var decisions = 0;
    Object.keys(t.guardrails || {}).forEach(function (rule) {
      Object.keys(t.guardrails[rule]).forEach(function (action) {
        var row = document.createElement('tr');
        [rule, action, fmtInt(t.guardrails[rule][action])].forEach(function (text, i) {
          var cell = document.createElement(i === 0 ? 'th' : 'td');
          if (i === 0) cell.setAttribute('scope', 'row');
          cell.textContent = text;
          row.appendChild(cell);
        });
        guarded.appendChild(row);
        decisions += 1;
      });
    });
    $('guardrails-empty').hidden = decisions > 0;

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
      '&granularity=minute&groupBy=';
    return Promise.all([
      api('/tenant'),
      api('/tenant/usage/series' + query + 'model'),
      api('/tenant/usage/series' + query + 'branch'),
    ]).then(function (results) {
      render(results[0], results[1], results[2]);
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
    setText('tenant-name', '');
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
