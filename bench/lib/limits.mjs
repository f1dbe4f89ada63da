// The `limits` suite (issue 4): what rate limits, budgets and stored sessions cost a chat, and how
// many limiter decisions per second the gateway makes, all on the gateway bundle and workerd
// process of the core suite, in the same run.
//
// - Chat, off versus on. Off: the `bench` tenant (no rate limit, no budget) and stateless
//   requests. On: the `bench-limits` tenant (tenant, key and IP rates far out of reach, a tenant
//   budget far out of reach) and every request on a stored session: `x-session-id` on
//   `POST /v1/chat/completions`, `sessionId` in the body of `POST /chat`. Off sends neither.
//   (Before 01ef382, `/chat` without `sessionId` started a new session on every request, so its
//   "off" was not stateless; see docs/performance.md.)
// - Limiter decisions: `GET /tenant` (the cheapest authenticated route) on `bench` (no limit),
//   on `bench-rl` (per-key rate only) with one key (every decision on one `RateLimiterDO`) and
//   with its `MANY_KEYS` keys in turn (one object per key), and on `bench-limits` with one key and
//   one client IP (three decisions per request: tenant, key and IP).
import { setTimeout as sleep } from 'node:timers/promises';
import { loadTest, responseTimings, send } from './load.mjs';
import { fmt, medianOf, table } from './report.mjs';
import {
  EXPECTED_ANSWER,
  nativeJsonAnswer,
  nativeStreamAnswer,
  openaiJsonAnswer,
  openaiStreamAnswer,
} from './scenarios.mjs';
import { MANY_KEYS, SESSION_MAX_MESSAGES } from './tenants.mjs';
import { BENCH_API_KEY, BENCH_MODEL } from './workers.mjs';

/**
 * @typedef {import('./load.mjs').HttpCall} HttpCall
 * @typedef {Awaited<ReturnType<typeof loadTest>>} LoadResult
 * @typedef {{ setupRequest?: (req: any, context: any) => any, onResponse?: (status: number, body: string, context: any) => void }} AutocannonRequest
 * @typedef {{
 *   label: string,
 *   call: HttpCall,
 *   makeRequests?: () => AutocannonRequest[],
 *   afterRun?: () => void,
 *   pool?: ReturnType<typeof sessionPool>,
 *   timedCall?: HttpCall,
 *   answerOf?: (status: number, contentType: string, body: string) => string | undefined,
 *   rateLimited: boolean,
 * }} LimitsTarget
 * @typedef {{ url: string, pids: number[] }} Worker
 */

/** Sessions per load connection: a turn never waits for a session another connection holds. */
const SESSIONS_PER_CONNECTION = 3;
/** A client IP for the IP dimension (TEST-NET-3). */
const CLIENT_IP = '203.0.113.7';

const MESSAGES = [
  { role: 'system', content: 'You are a terse assistant.' },
  { role: 'user', content: 'Name twenty words.' },
];

/** @param {boolean} stream */
const openaiBody = (stream) =>
  JSON.stringify({
    model: BENCH_MODEL,
    messages: MESSAGES,
    stream,
    ...(stream ? { stream_options: { include_usage: true } } : {}),
  });

/** @param {boolean} stream @param {string} [sessionId] */
const nativeBody = (stream, sessionId) =>
  JSON.stringify({ message: 'Name twenty words.', stream, ...(sessionId ? { sessionId } : {}) });

/** @param {string} key @param {Record<string, string>} [extra] */
const auth = (key, extra = {}) => ({
  'content-type': 'application/json',
  authorization: `Bearer ${key}`,
  ...extra,
});

/**
 * Session ids handed to requests as they start and taken back when they answer, so that no two
 * requests in flight share a session (a second concurrent turn on a session gets 409
 * `session_busy`). More ids than connections, used in turn. The pool lives across the runs of one
 * measurement (warm-up, attempts), so sessions keep their history; but a turn cut off when a run
 * stops may leave its session locked (a streamed one does: see docs/performance.md), so the ids
 * still out when a run ends are retired and replaced by new ones.
 * @param {string} prefix
 * @param {number} size
 */
function sessionPool(prefix, size) {
  let created = 0;
  const fresh = () => `${prefix}-${created++}`;
  const free = Array.from({ length: size }, fresh);
  let out = new Set();
  let retired = 0;
  return {
    take() {
      const id = free.shift() ?? fresh();
      out.add(id);
      return id;
    },
    /** @param {string} id */
    give(id) {
      if (out.delete(id)) free.push(id);
    },
    /** Called after each run. */
    retire() {
      retired += out.size;
      out = new Set();
      while (free.length < size) free.push(fresh());
    },
    retired: () => retired,
  };
}

/**
 * autocannon requests that put a pooled session id on every request.
 * @param {ReturnType<typeof sessionPool>} pool
 * @param {(req: any, sessionId: string) => any} apply
 * @returns {AutocannonRequest[]}
 */
function sessionRequests(pool, apply) {
  return [
    {
      setupRequest(req, context) {
        const sessionId = pool.take();
        context.sessionId = sessionId;
        return apply(req, sessionId);
      },
      onResponse(_status, _body, context) {
        if (typeof context.sessionId === 'string') pool.give(context.sessionId);
      },
    },
  ];
}

/**
 * @param {{ limitsKey: string, budgetKey: string, rlKeys: string[], connections: number }} setup
 */
export function limitsScenarios({ limitsKey, budgetKey, rlKeys, connections }) {
  const poolSize = connections * SESSIONS_PER_CONNECTION;
  const offHeaders = auth(BENCH_API_KEY);
  const onHeaders = auth(limitsKey, { 'cf-connecting-ip': CLIENT_IP });
  /** @param {string} path @param {string} body @param {Record<string, string>} headers @returns {HttpCall} */
  const post = (path, body, headers) => ({ method: 'POST', path, headers, body });
  /** @param {string} prefix @param {(req: any, sessionId: string) => any} apply */
  const pooled = (prefix, apply) => {
    const pool = sessionPool(prefix, poolSize);
    return { pool, makeRequests: () => sessionRequests(pool, apply), afterRun: () => pool.retire() };
  };

  /** @type {{ id: string, title: string, off: LimitsTarget, on: LimitsTarget }[]} */
  const chat = [];
  for (const stream of [false, true]) {
    const kind = stream ? 'stream' : 'JSON';
    const answerOf = stream ? openaiStreamAnswer : openaiJsonAnswer;
    chat.push({
      id: `openai-${stream ? 'stream' : 'json'}`,
      title: `POST /v1/chat/completions, ${kind}`,
      off: {
        label: 'off: bench, stateless',
        call: post('/v1/chat/completions', openaiBody(stream), offHeaders),
        answerOf,
        rateLimited: false,
      },
      on: {
        label: 'on: limits + x-session-id',
        call: post('/v1/chat/completions', openaiBody(stream), onHeaders),
        ...pooled(`oa-${kind}`, (req, id) => ({ ...req, headers: { ...req.headers, 'x-session-id': id } })),
        timedCall: post('/v1/chat/completions', openaiBody(stream), {
          ...onHeaders,
          'x-session-id': `oa-${kind}-timed`,
        }),
        answerOf,
        rateLimited: true,
      },
    });
  }
  for (const stream of [false, true]) {
    const kind = stream ? 'stream' : 'JSON';
    const answerOf = stream ? nativeStreamAnswer : nativeJsonAnswer;
    chat.push({
      id: `chat-${stream ? 'stream' : 'json'}`,
      title: `POST /chat, ${kind}`,
      off: {
        label: 'off: bench, no sessionId',
        call: post('/chat', nativeBody(stream), offHeaders),
        answerOf,
        rateLimited: false,
      },
      on: {
        label: 'on: limits + sessionId',
        call: post('/chat', nativeBody(stream), onHeaders),
        ...pooled(`na-${kind}`, (req, id) => ({ ...req, body: nativeBody(stream, id) })),
        timedCall: post('/chat', nativeBody(stream, `na-${kind}-timed`), onHeaders),
        answerOf,
        rateLimited: true,
      },
    });
  }

  /** @param {string} key @param {Record<string, string>} [extra] @returns {HttpCall} */
  const getTenant = (key, extra = {}) => ({
    method: 'GET',
    path: '/tenant',
    headers: { authorization: `Bearer ${key}`, ...extra },
  });
  const firstKey = rlKeys[0] ?? '';
  /** @type {{ id: string, title: string, decisionsPerRequest: number, target: LimitsTarget }[]} */
  const decisions = [
    {
      id: 'none',
      title: 'bench: no rate limit',
      decisionsPerRequest: 0,
      target: { label: 'none', call: getTenant(BENCH_API_KEY), rateLimited: false },
    },
    {
      id: 'one-key',
      title: 'bench-rl: key rate, 1 key (1 object)',
      decisionsPerRequest: 1,
      target: { label: 'one key', call: getTenant(firstKey), rateLimited: true },
    },
    {
      id: 'many-keys',
      title: `bench-rl: key rate, ${MANY_KEYS} keys in turn (${MANY_KEYS} objects)`,
      decisionsPerRequest: 1,
      target: {
        label: 'many keys',
        call: getTenant(firstKey),
        makeRequests: () => {
          let next = 0;
          return [
            {
              setupRequest: (req) => ({
                ...req,
                headers: { ...req.headers, authorization: `Bearer ${rlKeys[next++ % rlKeys.length] ?? ''}` },
              }),
            },
          ];
        },
        rateLimited: true,
      },
    },
    {
      id: 'three-dims',
      title: 'bench-limits: tenant + key + IP rates (3 objects)',
      decisionsPerRequest: 3,
      target: {
        label: 'tenant+key+ip',
        call: getTenant(limitsKey, { 'cf-connecting-ip': CLIENT_IP }),
        rateLimited: true,
      },
    },
  ];
  // Which part costs what, one request at a time: limits alone, a session alone, both.
  const breakdown = [
    { label: 'off: bench, stateless', call: post('/v1/chat/completions', openaiBody(false), offHeaders) },
    {
      label: 'limits only: bench-limits, stateless',
      call: post('/v1/chat/completions', openaiBody(false), onHeaders),
    },
    {
      label: 'budget only: bench-budget, stateless',
      call: post('/v1/chat/completions', openaiBody(false), auth(budgetKey)),
    },
    {
      label: 'session only: bench, x-session-id',
      call: post('/v1/chat/completions', openaiBody(false), { ...offHeaders, 'x-session-id': 'breakdown-1' }),
    },
    {
      label: 'both: bench-limits, x-session-id',
      call: post('/v1/chat/completions', openaiBody(false), { ...onHeaders, 'x-session-id': 'breakdown-2' }),
    },
  ];
  return { chat, decisions, breakdown };
}

/**
 * One request; checks the status, the answer and whether `RateLimit-*` headers came back.
 * @param {string} url
 * @param {LimitsTarget} target
 * @returns {Promise<string | undefined>} why the probe failed, or undefined
 */
async function probe(url, target) {
  const call = target.timedCall ?? target.call;
  const { status, type, headers, body } = await send(url, call);
  if (status < 200 || status >= 300) return `${call.method} ${call.path}: ${status} ${body.slice(0, 300)}`;
  if (target.answerOf && target.answerOf(status, type, body) !== EXPECTED_ANSWER) {
    return `${call.method} ${call.path}: unexpected answer ${body.slice(0, 300)}`;
  }
  const limited = headers.has('ratelimit-limit');
  if (limited !== target.rateLimited) {
    return `${call.method} ${call.path}: RateLimit headers ${limited ? 'present' : 'absent'}, expected the opposite`;
  }
  return undefined;
}

/**
 * Warm-up, then the least disturbed of up to `attempts` measurements (as the core suite does).
 * @param {{ worker: Worker, upstream: { pid: number, stats: () => Promise<{ requests: number }> }, target: LimitsTarget, options: { durationS: number, warmupS: number, connections: number, attempts: number, maxOtherLoad: number }, log: (line: string) => void, name: string }} spec
 */
async function measure({ worker, upstream, target, options, log, name }) {
  const base = {
    url: worker.url,
    call: target.call,
    connections: options.connections,
    pids: worker.pids,
    upstreamPid: upstream.pid,
  };
  /** @param {number} durationS */
  const run = async (durationS) => {
    const requests = target.makeRequests?.();
    const result = await loadTest({ ...base, durationS, ...(requests ? { requests } : {}) });
    target.afterRun?.();
    // Let turns cut off when the load stopped finish before the next run.
    await sleep(250);
    return result;
  };
  await run(options.warmupS);
  /** @type {{ load: LoadResult, calls: number } | undefined} */
  let best;
  for (let attempt = 1; attempt <= options.attempts; attempt++) {
    const before = await upstream.stats();
    const load = await run(options.durationS);
    const after = await upstream.stats();
    if (!best || load.otherLoadShare < best.load.otherLoadShare) {
      best = { load, calls: after.requests - before.requests };
    }
    if (load.otherLoadShare <= options.maxOtherLoad) break;
    if (attempt < options.attempts) {
      log(
        `${name} other processes used ${fmt(load.otherLoadShare * 100, 0)}% of the machine; measuring again`,
      );
    }
  }
  if (!best) throw new Error('no measurement');
  return best;
}

/**
 * @param {LoadResult} load
 */
const failedOf = (load) => load.non2xx + load.errors;

/**
 * Runs the suite.
 * @param {{ gateway: Worker, upstream: { pid: number, stats: () => Promise<{ requests: number }> }, keys: { limits: string, budget: string, rl: string[] }, options: { durationS: number, warmupS: number, connections: number, attempts: number, maxOtherLoad: number, rounds: number, timedRequests: number }, log: (line: string) => void }} spec
 */
export async function runLimitsSuite({ gateway, upstream, keys, options, log }) {
  const { chat, decisions, breakdown } = limitsScenarios({
    limitsKey: keys.limits,
    budgetKey: keys.budget,
    rlKeys: keys.rl,
    connections: options.connections,
  });
  const sequential = Math.max(1, Math.ceil(options.timedRequests / 2));

  /** @type {Record<string, unknown>[]} */
  const chatResults = [];
  for (const pair of chat) {
    const problems = (await Promise.all([probe(gateway.url, pair.off), probe(gateway.url, pair.on)])).filter(
      (problem) => problem !== undefined,
    );
    if (problems.length > 0) {
      log(`limits ${pair.id}: skipped, ${problems.join('; ')}`);
      chatResults.push({ id: pair.id, title: pair.title, skipped: problems.join('; ') });
      continue;
    }
    /** @type {Record<'off' | 'on', { load: LoadResult, c1TotalMs: import('./load.mjs').Summary, upstreamCallsPerRequest: number }[]>} */
    const runs = { off: [], on: [] };
    for (let round = 0; round < options.rounds; round++) {
      /** @type {('off' | 'on')[]} */
      const order = round % 2 === 0 ? ['off', 'on'] : ['on', 'off'];
      for (const mode of order) {
        const target = pair[mode];
        const name = `limits ${pair.id.padEnd(13)} ${mode.padEnd(3)}`;
        const { load, calls } = await measure({ worker: gateway, upstream, target, options, log, name });
        // One at a time, no load: the added latency undiluted by queueing (one session, reused:
        // sequential turns never overlap).
        const timings = await responseTimings({
          url: gateway.url,
          call: target.timedCall ?? target.call,
          sequential,
          concurrent: 0,
          concurrency: 1,
        });
        runs[mode].push({
          load,
          c1TotalMs: timings.sequential.totalMs,
          upstreamCallsPerRequest: calls / Math.max(1, load.requests),
        });
        log(
          `${name} round ${round + 1}/${options.rounds}: ${fmt(load.rps, 0)} req/s, ` +
            `p50 ${fmt(load.latencyMs.p50, 2)} ms, p99 ${fmt(load.latencyMs.p99, 2)} ms, ` +
            `${fmt(load.cpuMsPerRequest, 3)} CPU-ms/req, ${failedOf(load)} failed ` +
            `${JSON.stringify(load.statuses)}, c=1 full p50 ${fmt(timings.sequential.totalMs.p50, 2)} ms`,
        );
      }
    }
    const off = medianOf(runs.off);
    const on = medianOf(runs.on);
    const cutOff = pair.on.pool?.retired() ?? 0;
    if (cutOff > 0)
      log(`limits ${pair.id}: ${cutOff} session(s) still in a turn when a run stopped were retired`);
    /** @param {number} a @param {number} b */
    const ratio = (a, b) => (b > 0 ? a / b : NaN);
    chatResults.push({
      id: pair.id,
      title: pair.title,
      off: { label: pair.off.label, ...off },
      on: { label: pair.on.label, ...on, sessionsRetired: cutOff },
      ratios: {
        rps: ratio(on.load.rps, off.load.rps),
        p50: ratio(on.load.latencyMs.p50, off.load.latencyMs.p50),
        p99: ratio(on.load.latencyMs.p99, off.load.latencyMs.p99),
        cpuMsPerRequest: ratio(on.load.cpuMsPerRequest, off.load.cpuMsPerRequest),
        c1TotalP50: ratio(on.c1TotalMs.p50, off.c1TotalMs.p50),
      },
      runs,
    });
  }

  /** @type {{ label: string, c1TotalMs: import('./load.mjs').Summary }[]} */
  const breakdownResults = [];
  for (const row of breakdown) {
    const timings = await responseTimings({
      url: gateway.url,
      call: row.call,
      sequential,
      concurrent: 0,
      concurrency: 1,
    });
    breakdownResults.push({ label: row.label, c1TotalMs: timings.sequential.totalMs });
    log(
      `limits c=1 ${row.label.padEnd(38)} full p50 ${fmt(timings.sequential.totalMs.p50, 2)} ms, ` +
        `p99 ${fmt(timings.sequential.totalMs.p99, 2)} ms, ${timings.sequential.failed} failed`,
    );
  }

  /** @type {Record<string, unknown>[]} */
  const decisionResults = [];
  /** @type {Record<string, import('./load.mjs').Summary>} */
  const decisionC1 = {};
  /** @type {Record<string, LoadResult[]>} */
  const decisionRuns = Object.fromEntries(decisions.map((d) => [d.id, []]));
  const problems = (await Promise.all(decisions.map((d) => probe(gateway.url, d.target)))).filter(
    (problem) => problem !== undefined,
  );
  if (problems.length > 0) {
    log(`limits decisions: skipped, ${problems.join('; ')}`);
  } else {
    for (let round = 0; round < options.rounds; round++) {
      const order = round % 2 === 0 ? decisions : decisions.slice().reverse();
      for (const d of order) {
        const name = `limits decide ${d.id.padEnd(10)}`;
        const { load } = await measure({ worker: gateway, upstream, target: d.target, options, log, name });
        decisionRuns[d.id]?.push(load);
        if (round === 0) {
          const timings = await responseTimings({
            url: gateway.url,
            call: d.target.call,
            sequential,
            concurrent: 0,
            concurrency: 1,
          });
          decisionC1[d.id] = timings.sequential.totalMs;
        }
        log(
          `${name} round ${round + 1}/${options.rounds}: ${fmt(load.rps, 0)} req/s, ` +
            `p50 ${fmt(load.latencyMs.p50, 2)} ms, ${fmt(load.cpuMsPerRequest, 3)} CPU-ms/req, ` +
            `${failedOf(load)} failed`,
        );
      }
    }
    const baseline = medianOf(decisionRuns['none'] ?? []);
    for (const d of decisions) {
      const load = medianOf(decisionRuns[d.id] ?? []);
      decisionResults.push({
        id: d.id,
        title: d.title,
        decisionsPerRequest: d.decisionsPerRequest,
        decisionsPerSecond: load.rps * d.decisionsPerRequest,
        cpuMsPerDecision: d.decisionsPerRequest > 0 ? load.cpuMsPerRequest / d.decisionsPerRequest : NaN,
        addedCpuMsPerDecision:
          d.decisionsPerRequest > 0
            ? (load.cpuMsPerRequest - baseline.cpuMsPerRequest) / d.decisionsPerRequest
            : NaN,
        load,
        c1TotalMs: decisionC1[d.id],
        runs: decisionRuns[d.id],
      });
    }
  }
  return {
    settings: {
      sessionsPerConnection: SESSIONS_PER_CONNECTION,
      sessionPool: options.connections * SESSIONS_PER_CONNECTION,
      sessionMaxMessages: SESSION_MAX_MESSAGES,
      manyKeys: MANY_KEYS,
    },
    chat: chatResults,
    breakdown: breakdownResults,
    decisions: decisionResults,
    ...(problems.length > 0 ? { decisionsSkipped: problems.join('; ') } : {}),
  };
}

/**
 * The suite's tables.
 * @param {Awaited<ReturnType<typeof runLimitsSuite>>} result
 */
export function renderLimitsReport(result) {
  /** @param {number | undefined} value */
  const x = (value) => (value === undefined || !Number.isFinite(value) ? '-' : `${fmt(value, 2)}x`);
  const chatRows = [
    ['chat: limits and sessions', 'req/s', 'p50 ms', 'p99 ms', 'CPU-ms/req', 'c=1 full', 'failed'],
  ];
  for (const raw of result.chat) {
    const s = /** @type {any} */ (raw);
    if (s.skipped) {
      chatRows.push([`${s.title}: skipped (${s.skipped})`, '', '', '', '', '', '']);
      continue;
    }
    chatRows.push([s.title, '', '', '', '', '', '']);
    for (const mode of ['off', 'on']) {
      const t = s[mode];
      chatRows.push([
        `  ${t.label}`,
        fmt(t.load.rps, 0),
        fmt(t.load.latencyMs.p50, 2),
        fmt(t.load.latencyMs.p99, 2),
        fmt(t.load.cpuMsPerRequest, 3),
        fmt(t.c1TotalMs.p50, 2),
        String(failedOf(t.load)),
      ]);
    }
    const r = s.ratios;
    chatRows.push(['  on / off', x(r.rps), x(r.p50), x(r.p99), x(r.cpuMsPerRequest), x(r.c1TotalP50), '']);
  }
  const decisionRows = [
    [
      'limiter decisions: GET /tenant',
      'req/s',
      'decisions/s',
      'p50 ms',
      'p99 ms',
      'c=1 p50',
      'CPU-ms/req',
      'CPU-ms/decision',
      'added CPU-ms/decision',
      'failed',
    ],
  ];
  for (const raw of result.decisions) {
    const d = /** @type {any} */ (raw);
    decisionRows.push([
      d.title,
      fmt(d.load.rps, 0),
      d.decisionsPerRequest > 0 ? fmt(d.decisionsPerSecond, 0) : '-',
      fmt(d.load.latencyMs.p50, 2),
      fmt(d.load.latencyMs.p99, 2),
      fmt(d.c1TotalMs?.p50, 2),
      fmt(d.load.cpuMsPerRequest, 3),
      fmt(d.cpuMsPerDecision, 3),
      fmt(d.addedCpuMsPerDecision, 3),
      String(failedOf(d.load)),
    ]);
  }
  const out = [table(chatRows)];
  out.push(
    '',
    `off: tenant bench, no rate limit or budget, no session id. ` +
      `on: tenant bench-limits, tenant+key+IP rates and a tenant budget (never reached), every ` +
      `request on one of ${result.settings.sessionPool} sessions (${result.settings.sessionMaxMessages} messages kept). ` +
      'c=1 full: median of requests one at a time (ms).',
    '',
  );
  if (result.breakdown.length > 0) {
    out.push(
      table([
        ['POST /v1/chat/completions JSON, one at a time', 'c=1 p50 ms', 'c=1 p99 ms'],
        ...result.breakdown.map((row) => [row.label, fmt(row.c1TotalMs.p50, 2), fmt(row.c1TotalMs.p99, 2)]),
      ]),
      '',
    );
  }
  if (result.decisions.length > 0) out.push(table(decisionRows));
  else out.push(`limiter decisions: skipped (${result.decisionsSkipped ?? ''})`);
  out.push(
    'decisions/s = requests/s x rate checks per request. added CPU-ms/decision: CPU-ms/req minus that of ' +
      'the tenant with no rate limit, per decision.',
  );
  return out.join('\n');
}
