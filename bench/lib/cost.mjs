// The cost report (issue 19): for each route and feature combination, the Durable Object calls and
// KV operations one request makes, counted where they cross the binding (bench/workers/cost-entry.ts
// wraps every namespace), which of them the response waits for, which of those run one after
// another, and what the request costs the platform per million at Workers Paid list prices.
//
// Method, per combination:
// 1. Warm-up requests (caches, schemas, a session's history, a cached answer), then one probe: the
//    calls of one steady-state request, each named `<binding>.<method>#<n>`.
// 2. The critical path, found by holding calls back: each call alone is delayed by D ms; if the
//    response (its last byte, timed by the client) comes D later, the response waited for it (on
//    the path), otherwise it ran beside the response or after it (waitUntil). Then every pair of
//    on-path calls is delayed together: 2·D later means one waited for the other (sequential),
//    D later means they ran side by side. Best of two tries each, so background noise cannot add
//    a call to the path (a delay can only be hidden, never invented).
// 3. CPU-ms per request: the workerd process's CPU time under load (unprobed requests, no wrapper),
//    as in the rest of the bench. Every Durable Object runs in that process here, so the figure
//    includes the objects' own CPU, which production bills as Durable Object duration instead:
//    it overstates the Worker's CPU a little.
import { setTimeout as sleep } from 'node:timers/promises';
import { loadTest } from './load.mjs';
import { fmt, table } from './report.mjs';
import { BENCH_MODEL, benchApiKey, keyHash } from './workers.mjs';

/**
 * Workers Paid list prices in USD, beyond the monthly amounts the plan includes (10 M requests,
 * 30 M CPU-ms, 1 M Durable Object requests, 10 M KV reads, 1 M KV writes). Checked 2026-12-07
 * against developers.cloudflare.com (workers/platform/pricing, durable-objects/platform/pricing,
 * kv/platform/pricing). Durable Object duration ($12.50 per million GB-s) and SQLite rows
 * read/written are billed too and are not in the figures: both grow with the same calls.
 */
export const PRICES = {
  checked: '2026-12-07',
  requestPerM: 0.3,
  cpuMsPerM: 0.02,
  durableObjectRequestPerM: 0.15,
  kvReadPerM: 0.5,
  kvWritePerM: 5.0,
  kvDeletePerM: 5.0,
  kvListPerM: 5.0,
};

/** KV methods and the price line each is billed on. */
const KV_PRICE = {
  get: 'kvReadPerM',
  getWithMetadata: 'kvReadPerM',
  put: 'kvWritePerM',
  delete: 'kvDeletePerM',
  list: 'kvListPerM',
};

const NEVER_REFUSED = { rate: 1_000_000, burst: 1_000_000 };
const HUGE_BUDGET = { tokensPerDay: 1_000_000_000_000, usdPerMonth: 1_000_000_000 };
const CLIENT_IP = '203.0.113.9';

/** @param {string} id @param {Record<string, unknown>} extra @param {number} upstreamPort @param {string[]} [scopes] */
function tenant(id, extra, upstreamPort, scopes = ['chat']) {
  const key = benchApiKey(id);
  return {
    key,
    config: {
      id,
      name: `Cost report (${id})`,
      environments: ['development'],
      apiKeys: [
        { id: `${id}-key`, hash: keyHash(key), scopes, label: 'cost', createdAt: '2026-01-01T00:00:00Z' },
      ],
      providers: { upstream: { type: 'openai-compatible', baseUrl: `http://127.0.0.1:${upstreamPort}/v1` } },
      models: { chat: BENCH_MODEL, allowed: [BENCH_MODEL, 'local/echo-1'] },
      ...extra,
    },
  };
}

const LIMITED = {
  rates: { tenant: NEVER_REFUSED, key: NEVER_REFUSED, ip: NEVER_REFUSED },
  budgets: { tenant: HUGE_BUDGET, key: HUGE_BUDGET },
};

/**
 * The tenants of the report, compiled into the bench registry. `cost-leased` is `cost-limited` in
 * leased mode (docs/limits.md); a checkout without leases refuses its config, so it is only
 * offered when `leases` is true.
 * @param {number} upstreamPort
 * @param {{ leases: boolean }} features
 */
export function costTenants(upstreamPort, features) {
  const list = {
    plain: tenant('cost-plain', {}, upstreamPort),
    rates: tenant('cost-rates', { limits: { rates: LIMITED.rates } }, upstreamPort),
    budgets: tenant('cost-budgets', { limits: { budgets: LIMITED.budgets } }, upstreamPort),
    limited: tenant('cost-limited', { limits: LIMITED }, upstreamPort, ['chat', 'keys']),
    sessions: tenant('cost-sessions', {}, upstreamPort),
    rag: tenant('cost-rag', { features: { rag: true }, rag: { embedder: 'local/hash-384' } }, upstreamPort, [
      'chat',
      'search',
      'ingest',
    ]),
    tools: tenant(
      'cost-tools',
      {
        models: { chat: 'local/echo-1', allowed: ['local/echo-1'] },
        features: { tools: true },
        tools: { enabled: ['summarize'] },
        limits: LIMITED,
      },
      upstreamPort,
      ['chat', 'tools'],
    ),
    route: tenant(
      'cost-route',
      {
        routes: {
          capped: {
            version: 1,
            start: 'guard',
            nodes: {
              guard: {
                type: 'limit',
                rate: NEVER_REFUSED,
                tokensPerDay: 1_000_000_000_000,
                next: 'main',
                fallback: 'spare',
              },
              main: { type: 'model', model: BENCH_MODEL },
              spare: { type: 'model', model: BENCH_MODEL },
            },
          },
        },
      },
      upstreamPort,
    ),
    cache: tenant('cost-cache', { responseCache: { enabled: true, ttlSeconds: 300 } }, upstreamPort),
    ...(features.leases
      ? {
          leased: tenant('cost-leased', { limits: { ...LIMITED, mode: 'leased' } }, upstreamPort, [
            'chat',
            'keys',
          ]),
        }
      : {}),
  };
  return {
    keys: Object.fromEntries(Object.entries(list).map(([name, t]) => [name, t.key])),
    configs: Object.values(list).map((t) => t.config),
  };
}

/** @param {string} key @param {Record<string, string>} [extra] */
const headers = (key, extra = {}) => ({
  'content-type': 'application/json',
  authorization: `Bearer ${key}`,
  'cf-connecting-ip': CLIENT_IP,
  ...extra,
});

/** @param {boolean} stream @param {string} [content] @param {string} [model] */
const v1 = (stream, content = 'Name twenty words.', model = BENCH_MODEL) =>
  JSON.stringify({
    model,
    messages: [{ role: 'user', content }],
    stream,
    ...(stream ? { stream_options: { include_usage: true } } : {}),
  });

/**
 * @typedef {import('./load.mjs').HttpCall} HttpCall
 * @typedef {{ id: string, label: string, call: (i: number) => HttpCall, setup?: (url: string) => Promise<void>, leased?: boolean }} Combo
 */

/**
 * The combinations measured. `call(i)` is the i-th request (a miss of the response cache needs a
 * new prompt each time); `setup` runs once before the warm-up.
 * @param {Record<string, string>} keys
 * @param {{ operatorKey: string }} context
 * @returns {Combo[]}
 */
export function costCombos(keys, { operatorKey }) {
  const post =
    (/** @type {string} */ key, /** @type {string} */ path, /** @type {string} */ body, extra = {}) =>
    /** @returns {HttpCall} */ () => ({ method: 'POST', path, headers: headers(key, extra), body });
  /** @type {{ key: string }} */
  const runtime = { key: '' };
  /** @type {Combo[]} */
  const combos = [
    {
      id: 'tenant-get',
      label: '`GET /tenant`, tenant/key/IP rates',
      call: () => ({ method: 'GET', path: '/tenant', headers: headers(keys.rates ?? '') }),
    },
    {
      id: 'plain-json',
      label: '`/v1` JSON, no limits',
      call: post(keys.plain ?? '', '/v1/chat/completions', v1(false)),
    },
    {
      id: 'plain-stream',
      label: '`/v1` stream (relayed), no limits',
      call: post(keys.plain ?? '', '/v1/chat/completions', v1(true)),
    },
    {
      id: 'rates-json',
      label: '`/v1` JSON, tenant/key/IP rates',
      call: post(keys.rates ?? '', '/v1/chat/completions', v1(false)),
    },
    {
      id: 'budgets-json',
      label: '`/v1` JSON, tenant + key budgets',
      call: post(keys.budgets ?? '', '/v1/chat/completions', v1(false)),
    },
    {
      id: 'limited-json',
      label: '`/v1` JSON, rates + budgets',
      call: post(keys.limited ?? '', '/v1/chat/completions', v1(false)),
    },
    {
      id: 'limited-stream',
      label: '`/v1` stream, rates + budgets',
      call: post(keys.limited ?? '', '/v1/chat/completions', v1(true)),
    },
    {
      id: 'session-json',
      label: '`/v1` JSON, a stored session',
      // Sessions in turn: under load no two requests in flight share one (a second turn gets 409).
      call: (i) => ({
        method: 'POST',
        path: '/v1/chat/completions',
        headers: headers(keys.sessions ?? '', { 'x-session-id': `cost-session-${i % 64}` }),
        body: v1(false),
      }),
    },
    {
      id: 'rag-chat',
      label: '`/chat` JSON, `rag: true`',
      setup: async (url) => {
        const res = await fetch(`${url}/ingest`, {
          method: 'POST',
          headers: headers(keys.rag ?? ''),
          body: JSON.stringify({
            documents: [
              { id: 'refunds', text: 'Refunds are paid within five business days of the return.' },
              { id: 'shipping', text: 'Orders ship within two days; express shipping takes one day.' },
            ],
          }),
        });
        if (!res.ok)
          throw new Error(`ingest for the rag combination answered ${res.status}: ${await res.text()}`);
      },
      call: post(
        keys.rag ?? '',
        '/chat',
        JSON.stringify({ message: 'How long do refunds take?', rag: true, stream: false }),
      ),
    },
    {
      id: 'tools-chat',
      label: '`/chat` JSON, a gateway tool, rates + budgets',
      call: post(
        keys.tools ?? '',
        '/chat',
        JSON.stringify({
          message: 'call summarize({"text": "Workers run at the edge. Durable Objects keep state."})',
          tools: ['summarize'],
          stream: false,
        }),
      ),
    },
    {
      id: 'runtime-key',
      label: '`/v1` JSON, runtime key (own rates, tokens/min, budget)',
      setup: async (url) => {
        const res = await fetch(`${url}/admin/tenants/cost-limited/keys`, {
          method: 'POST',
          headers: { authorization: `Bearer ${operatorKey}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            name: 'cost',
            scopes: ['chat'],
            rates: { requests: NEVER_REFUSED, tokens: NEVER_REFUSED },
            budget: HUGE_BUDGET,
          }),
        });
        const text = await res.text();
        if (!res.ok) throw new Error(`issuing a runtime key answered ${res.status}: ${text}`);
        runtime.key = /** @type {{ key: string }} */ (JSON.parse(text)).key;
      },
      call: () => ({
        method: 'POST',
        path: '/v1/chat/completions',
        headers: headers(runtime.key),
        body: v1(false),
      }),
    },
    {
      id: 'route-limit',
      label: '`/v1` JSON, a route with a limit node (rate + tokens/day)',
      call: post(keys.route ?? '', '/v1/chat/completions', v1(false, 'Name twenty words.', 'capped')),
    },
    {
      id: 'cache-hit',
      label: '`/v1` JSON, response cache hit',
      call: post(keys.cache ?? '', '/v1/chat/completions', v1(false, 'A cached question.')),
    },
    {
      id: 'cache-miss',
      label: '`/v1` JSON, response cache miss (stored)',
      call: (i) => ({
        method: 'POST',
        path: '/v1/chat/completions',
        headers: headers(keys.cache ?? ''),
        body: v1(false, `A new question ${Date.now()}-${i}.`),
      }),
    },
  ];
  if (keys.leased !== undefined) {
    combos.push(
      {
        id: 'leased-json',
        label: '`/v1` JSON, rates + budgets, **leased**',
        leased: true,
        call: post(keys.leased, '/v1/chat/completions', v1(false)),
      },
      {
        id: 'leased-stream',
        label: '`/v1` stream, rates + budgets, **leased**',
        leased: true,
        call: post(keys.leased, '/v1/chat/completions', v1(true)),
      },
    );
  }
  return combos;
}

/**
 * @typedef {{ binding: string, kind: 'do' | 'kv', object: string, method: string, signature: string, startedMs: number, endedMs: number | null, afterHandler: boolean, delayedMs: number }} CallRecord
 */

let probeCounter = 0;

/**
 * One probe request: sent and read to its last byte; its calls read back after `settleMs` (so that
 * work in waitUntil has run). Times are the Worker's own (ms since the request arrived).
 * @param {string} url @param {HttpCall} call @param {{ delay?: string[], delayMs?: number, settleMs?: number }} [options]
 */
async function probe(url, call, options = {}) {
  const id = `p${process.pid}-${++probeCounter}`;
  const extra = /** @type {Record<string, string>} */ ({ 'x-cost-probe': id });
  if (options.delay && options.delay.length > 0) {
    extra['x-cost-delay'] = options.delay.join(',');
    extra['x-cost-delay-ms'] = String(options.delayMs ?? 0);
  }
  const res = await fetch(`${url}${call.path}`, {
    method: call.method,
    headers: { ...call.headers, ...extra },
    ...(call.body !== undefined ? { body: call.body } : {}),
  });
  const body = await res.text();
  if (!res.ok) throw new Error(`${call.method} ${call.path} answered ${res.status}: ${body.slice(0, 300)}`);
  await sleep(options.settleMs ?? 0);
  const record = /** @type {{ calls: CallRecord[], responseEndMs: number | null } | null} */ (
    await (await fetch(`${url}/__cost/${id}`)).json()
  );
  const calls = record?.calls ?? [];
  return {
    calls,
    responseEndMs: record?.responseEndMs ?? NaN,
    startOf: new Map(calls.map((c) => [c.signature, c.startedMs])),
  };
}

/**
 * Calls per request averaged over many requests, the way a busy isolate makes them: `requests`
 * probes, `concurrency` at a time, every call held back `delayMs` (about a Durable Object round
 * trip from another region). A call that ended before its request's last byte went out was waited
 * for (on the path); one still running then was not. This is where calls that are not made on
 * every request show up at their real rate: a lease's top-ups, a batch of usage events, a cached
 * control-plane answer.
 * @param {string} url @param {() => HttpCall} next
 * @param {{ requests: number, concurrency: number, delayMs: number }} options
 */
async function amortisedCalls(url, next, options) {
  /** @type {string[]} */
  const ids = [];
  /** @type {Map<string, number>} */
  const responseEnds = new Map();
  let sent = 0;
  const lane = async () => {
    while (sent < options.requests) {
      sent++;
      const id = `a${process.pid}-${++probeCounter}`;
      ids.push(id);
      const call = next();
      const res = await fetch(`${url}${call.path}`, {
        method: call.method,
        headers: {
          ...call.headers,
          'x-cost-probe': id,
          'x-cost-delay': '*',
          'x-cost-delay-ms': String(options.delayMs),
        },
        ...(call.body !== undefined ? { body: call.body } : {}),
      });
      await res.text();
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, lane));
  // Usage batches flush 200 ms after they open; lease reports every `reportMs` (1 s by default).
  await sleep(1_500);
  /** @type {Record<string, { onPath: number, offPath: number, kind: 'do' | 'kv', method: string, binding: string }>} */
  const bySite = {};
  for (const id of ids) {
    const record = /** @type {{ calls: CallRecord[], responseEndMs: number | null } | null} */ (
      await (await fetch(`${url}/__cost/${id}`)).json()
    );
    if (record === null) continue;
    responseEnds.set(id, record.responseEndMs ?? Infinity);
    for (const call of record.calls) {
      const site = `${call.binding}.${call.method}`;
      const entry = (bySite[site] ??= {
        onPath: 0,
        offPath: 0,
        kind: call.kind,
        method: call.method,
        binding: call.binding,
      });
      const waited =
        call.endedMs !== null && record.responseEndMs !== null && call.endedMs <= record.responseEndMs;
      if (waited) entry.onPath++;
      else entry.offPath++;
    }
  }
  const n = Math.max(1, ids.length);
  return Object.fromEntries(
    Object.entries(bySite).map(([site, e]) => [
      site,
      { kind: e.kind, binding: e.binding, method: e.method, onPath: e.onPath / n, offPath: e.offPath / n },
    ]),
  );
}

/**
 * Measures one combination.
 *
 * Each call X of a steady-state request is held back by D ms in a probe of its own. If the
 * response's last byte never goes out before X ends, the response waits for X (X is on the path);
 * if another call Y never starts before X ends, Y waits for X (one after the other). Something that
 * does not wait is D ms ahead of X, so with D well above the request's own time only a machine
 * stalled for D could make it look waiting; every one of `tries` probes must agree.
 * @param {{ url: string, pids: number[] }} worker
 * @param {Combo} combo
 * @param {{ delayMs: number, tries: number, warmups: number, amortised: { requests: number, concurrency: number, delayMs: number }, load: { connections: number, durationS: number } | null }} options
 * @param {(line: string) => void} log
 */
export async function measureCombo(worker, combo, options, log) {
  const { url } = worker;
  let i = 0;
  const next = () => combo.call(i++);
  const D = options.delayMs;
  await combo.setup?.(url);
  for (let w = 0; w < options.warmups; w++) await probe(url, next(), { settleMs: 20 });
  // A batch of usage events opened by a warm-up would take this request's event in.
  await sleep(300);
  // The steady-state request, with time for its waitUntil work (the usage batch waits 200 ms).
  const base = await probe(url, next(), { settleMs: 400 });
  const signatures = base.calls.map((c) => c.signature);

  /** @type {Set<string>} */
  const onPath = new Set();
  /** @type {Map<string, Set<string>>} calls each call waited for */
  const after = new Map(signatures.map((s) => [s, new Set()]));
  for (const x of signatures) {
    let waited = true;
    /** @type {Map<string, boolean>} */
    const followers = new Map(signatures.filter((y) => y !== x).map((y) => [y, true]));
    for (let t = 0; t < options.tries; t++) {
      const delayed = await probe(url, next(), { delay: [x], delayMs: D, settleMs: 20 });
      const held = delayed.calls.find((c) => c.signature === x);
      const heldEnd = held?.endedMs ?? null;
      if (heldEnd === null) {
        waited = false;
        break;
      }
      // The response, or a call, that waited for the held-back call cannot have ended (started)
      // before it; one that did not wait is D ahead of it.
      if (delayed.responseEndMs < heldEnd) waited = false;
      for (const y of followers.keys()) {
        const start = delayed.startOf.get(y);
        if (start === undefined || start < heldEnd) followers.set(y, false);
      }
    }
    if (waited) onPath.add(x);
    for (const [y, follows] of followers) if (follows) after.get(y)?.add(x);
  }
  const path = signatures.filter((s) => onPath.has(s));
  // Rounds of the path: a call's round is one more than the latest round of any call it waited for.
  /** @type {Map<string, number>} */
  const round = new Map();
  for (const signature of path) {
    let r = 1;
    for (const earlier of after.get(signature) ?? []) {
      if (onPath.has(earlier)) r = Math.max(r, (round.get(earlier) ?? 0) + 1);
    }
    round.set(signature, r);
  }
  const rounds = Math.max(0, ...round.values());
  /** @type {string[][]} */
  const byRound = Array.from({ length: rounds }, () => []);
  for (const [signature, r] of round) byRound[r - 1]?.push(signature);

  // One after the other, the same method on different objects: nothing makes one wait for the
  // other's answer, so they could run side by side.
  /** @type {string[]} */
  const couldOverlap = [];
  for (const signature of path) {
    const call = base.calls.find((c) => c.signature === signature);
    for (const earlier of after.get(signature) ?? []) {
      const prior = base.calls.find((c) => c.signature === earlier);
      if (
        onPath.has(earlier) &&
        call &&
        prior &&
        call.binding === prior.binding &&
        call.method === prior.method &&
        call.object !== prior.object
      ) {
        couldOverlap.push(`${earlier} → ${signature}`);
      }
    }
  }

  const amortised = await amortisedCalls(url, next, options.amortised);

  let cpuMsPerRequest = NaN;
  let rps = NaN;
  if (options.load) {
    const first = next();
    const result = await loadTest({
      url,
      call: first,
      connections: options.load.connections,
      durationS: options.load.durationS,
      pids: worker.pids,
      // Each request made by `call(i)`: a new prompt for a cache miss, sessions taken in turn.
      requests: [
        {
          setupRequest: (/** @type {any} */ req) => {
            const call = next();
            return { ...req, method: call.method, path: call.path, headers: call.headers, body: call.body };
          },
        },
      ],
    });
    if (result.ok < result.requests) {
      log(
        `  ${combo.id}: ${result.non2xx} of ${result.requests} failed under load (${JSON.stringify(result.statuses)})`,
      );
    }
    cpuMsPerRequest = result.cpuMsPerRequest;
    rps = result.rps;
  }
  return {
    id: combo.id,
    label: combo.label,
    leased: combo.leased === true,
    calls: base.calls.map((c) => ({
      signature: c.signature,
      binding: c.binding,
      kind: c.kind,
      method: c.method,
      object: c.object,
      onPath: onPath.has(c.signature),
    })),
    rounds: byRound,
    couldOverlap,
    amortised,
    responseEndMs: base.responseEndMs,
    cpuMsPerRequest,
    rps,
  };
}

/** @typedef {Awaited<ReturnType<typeof measureCombo>>} ComboResult */

/**
 * Calls per request by class, and the price per million requests.
 * @param {ComboResult} result
 * @param {Record<string, string>} classes binding → Durable Object class name
 */
export function priceOf(result, classes) {
  const sites = Object.entries(result.amortised);
  const sum = (/** @type {'do' | 'kv'} */ kind, /** @type {'onPath' | 'offPath'} */ where) =>
    sites.filter(([, s]) => s.kind === kind).reduce((total, [, s]) => total + s[where], 0);
  const doOnPath = sum('do', 'onPath');
  const doOff = sum('do', 'offPath');
  const kvOnPath = sum('kv', 'onPath');
  const kvOff = sum('kv', 'offPath');
  const kvUsd = sites
    .filter(([, s]) => s.kind === 'kv')
    .reduce(
      (total, [, s]) =>
        total +
        (s.onPath + s.offPath) *
          PRICES[
            /** @type {keyof typeof PRICES} */ (
              KV_PRICE[/** @type {keyof typeof KV_PRICE} */ (s.method)] ?? 'kvReadPerM'
            )
          ],
      0,
    );
  const doUsd = (doOnPath + doOff) * PRICES.durableObjectRequestPerM;
  const cpuUsd = Number.isFinite(result.cpuMsPerRequest) ? result.cpuMsPerRequest * PRICES.cpuMsPerM : 0;
  const total = PRICES.requestPerM + cpuUsd + doUsd + /** @type {number} */ (kvUsd);
  const name = (/** @type {string} */ signature) => {
    const [binding = '', rest = ''] = signature.split('.');
    return `${classes[binding] ?? binding}.${rest}`;
  };
  return {
    doOnPath,
    doOff,
    kvOnPath,
    kvOff,
    perSite: sites.map(
      ([site, s]) => `${name(site)} ${s.onPath.toFixed(2)} on / ${s.offPath.toFixed(2)} off`,
    ),
    path: result.rounds.map((r) => r.map(name).join(' ∥ ')).join(' → '),
    couldOverlap: result.couldOverlap.map((pair) => pair.split(' → ').map(name).join(' → ')),
    usd: {
      request: PRICES.requestPerM,
      cpu: cpuUsd,
      durableObjects: doUsd,
      kv: /** @type {number} */ (kvUsd),
      total,
    },
  };
}

/**
 * @param {ComboResult[]} results
 * @param {Record<string, string>} classes
 */
export function renderCostReport(results, classes) {
  const money = (/** @type {number} */ usd) => `$${usd.toFixed(3)}`;
  const rows = [
    [
      'request',
      'DO on path',
      'rounds',
      'DO off path',
      'KV on / off',
      'CPU-ms',
      '$ request',
      '$ CPU',
      '$ DO',
      '$ KV',
      '$ / M requests',
    ],
  ];
  const details = [];
  for (const result of results) {
    const price = priceOf(result, classes);
    rows.push([
      result.label,
      fmt(price.doOnPath, 2),
      String(result.rounds.length),
      fmt(price.doOff, 2),
      `${fmt(price.kvOnPath, 2)} / ${fmt(price.kvOff, 2)}`,
      fmt(result.cpuMsPerRequest, 3),
      money(price.usd.request),
      money(price.usd.cpu),
      money(price.usd.durableObjects),
      money(price.usd.kv),
      money(price.usd.total),
    ]);
    details.push(
      `- ${result.label}: one request's path ${price.path || '(no call)'}` +
        (price.couldOverlap.length > 0
          ? `; one after the other, could run side by side: ${price.couldOverlap.join('; ')}`
          : '') +
        (price.perSite.length > 0 ? `; per request on average: ${price.perSite.join(', ')}` : ''),
    );
  }
  return [
    `Platform cost per million requests at Workers Paid list prices (checked ${PRICES.checked}): request $${PRICES.requestPerM}, CPU $${PRICES.cpuMsPerM} per M CPU-ms, Durable Object request $${PRICES.durableObjectRequestPerM}, KV read $${PRICES.kvReadPerM}, KV write $${PRICES.kvWritePerM}.`,
    'Calls per request, counted at the binding, averaged over many requests (batches, leases and caches at a busy isolate\'s pace); "on path" = the response waited for it; rounds = calls one after another on one steady-state request\'s path.',
    '',
    table(rows),
    '',
    ...details,
  ].join('\n');
}
