/**
 * The request log page's browser script: plain JS in a template literal (no backticks, no
 * backslashes, `${` only for the values interpolated below), like the other pages'. It signs in
 * with the same tab-scoped key and calls only this gateway's `/tenant` and `/v1/logs` routes.
 * Filters come from the form or from the page's query string (the usage page links a chart's
 * minute here as `?from=…&to=…`).
 */
import { PAGE_API_SCRIPT } from './client.ts';

/** The filters the form and the query string share, in the order of the form. */
export const LOG_FILTERS = [
  'from',
  'to',
  'status',
  'model',
  'keyId',
  'route',
  'user',
  'errorCode',
  'metadata',
  'minCost',
  'minDurationMs',
] as const;

export const LOGS_SCRIPT = `
(function () {
  'use strict';
${PAGE_API_SCRIPT}
  var FILTERS = ${JSON.stringify(LOG_FILTERS)};
  var cursor = null;
  var current = null;

  function fmtUsd(n) { return n === 0 ? '$0' : '$' + (n < 0.01 ? n.toPrecision(2) : n.toFixed(2)); }
  function fmtMs(n) { return n === null || n === undefined ? '–' : Math.round(n).toLocaleString('en-US') + ' ms'; }
  function pad(n) { return String(n).padStart(2, '0'); }
  function localInput(iso) {
    var d = new Date(iso);
    return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + 'T' + pad(d.getHours()) + ':' +
      pad(d.getMinutes()) + ':' + pad(d.getSeconds());
  }
  function input(name) { return document.querySelector('#filters [name="' + name + '"]'); }

  /** The query string of the form's filters (times sent as ISO 8601, UTC). */
  function query() {
    var parts = [];
    FILTERS.forEach(function (name) {
      var value = input(name).value.trim();
      if (!value) return;
      if (name === 'from' || name === 'to') value = new Date(value).toISOString();
      parts.push(name + '=' + encodeURIComponent(value));
    });
    return parts.join('&');
  }

  function cell(row, text, className) {
    var el = document.createElement('td');
    el.textContent = text;
    if (className) el.className = className;
    row.appendChild(el);
    return el;
  }

  function addRows(entries) {
    var body = $('entries-body');
    entries.forEach(function (e) {
      var row = document.createElement('tr');
      row.setAttribute('data-entry-id', e.id);
      row.setAttribute('data-error', String(e.status >= 400 || e.errorCode !== null));
      cell(row, new Date(e.time).toLocaleString());
      cell(row, e.errorCode ? e.status + ' ' + e.errorCode : String(e.status), 'status');
      cell(row, e.method + ' ' + e.route, 'mono');
      cell(row, e.model ? e.model + (e.fallback ? ' (fallback)' : '') : '–', 'mono');
      cell(row, e.keyId, 'mono');
      cell(row, e.user || '–');
      cell(row, (e.inputTokens + e.outputTokens).toLocaleString('en-US'), 'num');
      cell(row, fmtUsd(e.costUsd), 'num');
      cell(row, fmtMs(e.durationMs), 'num');
      var open = document.createElement('button');
      open.type = 'button'; open.className = 'secondary'; open.textContent = 'View';
      open.setAttribute('aria-label', 'View request ' + e.id);
      open.addEventListener('click', function () { show(e.id); });
      cell(row, '').appendChild(open);
      body.appendChild(row);
    });
  }

  function load(more) {
    if (!more) {
      var body = $('entries-body');
      while (body.firstChild) body.removeChild(body.firstChild);
      cursor = null;
    }
    setText('filters-error', '');
    setText('entries-status', 'Loading…');
    var q = query();
    var path = '/v1/logs?limit=50' + (q ? '&' + q : '') + (more && cursor ? '&cursor=' + encodeURIComponent(cursor) : '');
    return api('GET', path).then(function (page) {
      addRows(page.data);
      cursor = page.nextCursor;
      $('more').hidden = cursor === null;
      $('entries-empty').hidden = $('entries-body').childElementCount > 0;
      setText('entries-status', $('entries-body').childElementCount + ' shown' + (cursor ? ', more available' : ''));
      $('logs').setAttribute('data-loads', String(Number($('logs').getAttribute('data-loads') || 0) + 1));
    }).catch(function (error) {
      if (error.status === 401) { session.signOut('That key was not accepted: ' + error.message); return; }
      setText('entries-status', '');
      setText('filters-error', error.status === 403 ? 'This key may not read the request log (it needs the logs or admin scope).' : error.message);
    });
  }

  function fact(list, term, value) {
    var dt = document.createElement('dt'); dt.textContent = term;
    var dd = document.createElement('dd'); dd.textContent = value;
    list.appendChild(dt); list.appendChild(dd);
  }

  /** One lane of the timeline: a label and a bar placed on the request's duration. */
  function lane(label, startMs, latencyMs, total, outcome, kind) {
    var row = document.createElement('div'); row.className = 'lane'; row.setAttribute('role', 'listitem');
    var name = document.createElement('span');
    name.textContent = label + ': ' + outcome + ', ' + fmtMs(latencyMs) + ' at +' + fmtMs(startMs);
    var track = document.createElement('div'); track.className = 'track';
    var bar = document.createElement('div'); bar.className = 'bar';
    bar.setAttribute('data-outcome', outcome); bar.setAttribute('data-kind', kind);
    var span = Math.max(total, 1);
    bar.style.left = Math.min(100, (startMs / span) * 100) + '%';
    bar.style.width = Math.max(0.5, Math.min(100, (latencyMs / span) * 100)) + '%';
    track.appendChild(bar);
    row.appendChild(name); row.appendChild(track);
    $('timeline').appendChild(row);
  }

  function bodyBlock(title, body) {
    var wrap = $('entry-bodies');
    var h = document.createElement('h3'); h.textContent = title + (body.truncated ? ' (cut at the size cap)' : '');
    var pre = document.createElement('pre'); pre.className = 'body'; pre.textContent = body.text;
    wrap.appendChild(h); wrap.appendChild(pre);
  }

  function show(id) {
    api('GET', '/v1/logs/' + encodeURIComponent(id)).then(function (e) {
      current = e;
      setText('entry-title', e.method + ' ' + e.route + ' · ' + e.status);
      var facts = $('entry-facts');
      while (facts.firstChild) facts.removeChild(facts.firstChild);
      fact(facts, 'Request id', e.id);
      if (e.clientRequestId) fact(facts, 'Client request id', e.clientRequestId);
      fact(facts, 'Time', new Date(e.time).toLocaleString());
      fact(facts, 'Key', e.keyId + ' (' + e.keyKind + ')');
      fact(facts, 'Model asked / used', (e.modelRequested || '–') + ' / ' + (e.model || '–') + (e.fallback ? ' (fallback)' : ''));
      if (e.routing) fact(facts, 'Route branch', e.routing.route + '@' + e.routing.version + '/' + e.routing.branch);
      fact(facts, 'Tokens in / out', e.inputTokens + ' / ' + e.outputTokens);
      fact(facts, 'Cost', fmtUsd(e.costUsd));
      fact(facts, 'Time to first token', fmtMs(e.ttftMs));
      fact(facts, 'Duration', fmtMs(e.durationMs));
      if (e.errorCode) fact(facts, 'Error', e.errorCode);
      if (e.cache) fact(facts, 'Cache', e.cache);
      if (e.user) fact(facts, 'User', e.user);
      if (Object.keys(e.metadata).length) fact(facts, 'Metadata', JSON.stringify(e.metadata));
      if (e.guardrails.length) fact(facts, 'Guardrails', e.guardrails.map(function (g) { return g.rule + ' ' + g.action + ' ×' + g.count; }).join(', '));
      if (e.traceId) fact(facts, 'Trace', e.traceId);
      if (e.feedback) fact(facts, 'Feedback', e.feedback.score + (e.feedback.comment ? ' – ' + e.feedback.comment : ''));
      var timeline = $('timeline');
      while (timeline.firstChild) timeline.removeChild(timeline.firstChild);
      e.attempts.forEach(function (a) {
        lane(a.model + ' #' + a.attempt + (a.purpose === 'chat' ? '' : ' (' + a.purpose + ')'), a.startMs, a.latencyMs, e.durationMs, a.outcome, 'attempt');
      });
      e.toolCalls.forEach(function (t) { lane('tool ' + t.name, t.startMs, t.latencyMs, e.durationMs, t.ok ? 'ok' : (t.errorCode || 'error'), 'tool'); });
      if (!e.attempts.length && !e.toolCalls.length) {
        var none = document.createElement('p'); none.className = 'muted'; none.textContent = 'No model call or tool call.';
        timeline.appendChild(none);
      }
      var bodies = $('entry-bodies');
      while (bodies.firstChild) bodies.removeChild(bodies.firstChild);
      if (e.bodies && e.bodies.request) bodyBlock('Request body', e.bodies.request);
      if (e.bodies && e.bodies.response) bodyBlock('Response body', e.bodies.response);
      if (!e.bodies) {
        var off = document.createElement('p'); off.className = 'muted';
        off.textContent = 'Bodies are not kept for this request (logs.bodies is off, or the key opted out).';
        bodies.appendChild(off);
      }
      setText('feedback-status', '');
      $('entry').hidden = false;
      $('entry').focus();
    }).catch(function (error) { setText('entries-status', 'Could not open the entry: ' + error.message); });
  }

  $('feedback').addEventListener('submit', function (event) {
    event.preventDefault();
    if (!current) return;
    var body = { score: Number($('fb-score').value) };
    var comment = $('fb-comment').value.trim();
    if (comment) body.comment = comment;
    api('POST', '/v1/logs/' + encodeURIComponent(current.id) + '/feedback', body).then(function () {
      setText('feedback-status', 'Thank you: feedback saved.');
    }).catch(function (error) { setText('feedback-status', 'Could not save: ' + error.message); });
  });

  $('csv').addEventListener('click', function () {
    var q = query();
    api('GET', '/v1/logs?format=csv' + (q ? '&' + q : ''), undefined, 'text/csv').then(function (text) {
      var link = document.createElement('a');
      link.href = URL.createObjectURL(new Blob([text], { type: 'text/csv' }));
      link.download = 'request-log.csv';
      document.body.appendChild(link); link.click(); link.remove();
    }).catch(function (error) { setText('filters-error', 'Could not export: ' + error.message); });
  });

  $('filters').addEventListener('submit', function (event) { event.preventDefault(); load(false); });
  $('clear').addEventListener('click', function () {
    FILTERS.forEach(function (name) { input(name).value = ''; });
    load(false);
  });
  $('more').addEventListener('click', function () { load(true); });

  var session = signIn('logs', start);

  function start() {
    session.show(true);
    api('GET', '/tenant').then(function (me) {
      setText('tenant-name', me.tenant.name + ' · key ' + me.key.label);
    }).catch(function () { return undefined; });
    load(false);
  }

  // Filters named in the page's address (the usage page's link to a chart's minute).
  var params = new URLSearchParams(location.search);
  FILTERS.forEach(function (name) {
    var value = params.get(name);
    if (!value) return;
    input(name).value = name === 'from' || name === 'to' ? localInput(value) : value;
  });

  session.begin();
})();
`;
