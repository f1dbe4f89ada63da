// The `cache` suite (issue 16): a cached chat answer against an uncached one, on the gateway
// bundle and workerd process of the core suite, in the same run. One `POST /v1/chat/completions`
// JSON request for the `bench-cache` tenant (exact-match response cache on), sent three ways:
//
// - hit: the same request again, answered from KV (no model call, no budget hold);
// - refresh (`x-gateway-cache: refresh`): the model is called and the answer stored, as on a miss
//   (a miss also pays one KV read first);
// - skip (`x-gateway-cache: skip`): the model is called, the cache neither read nor written.
//
// The fake upstream answers at once, so the latency figures are the gateway's own: against a real
// model a hit also saves the model's whole answer time, which no figure here contains.
import { setTimeout as sleep } from 'node:timers/promises';
import { ANSWER_TEXT } from './fake-upstream.mjs';
import { leastDisturbedLoad, responseTimings, send } from './load.mjs';
import { fmt, medianOf, table } from './report.mjs';
import { BENCH_MODEL } from './workers.mjs';

/** The ways the suite sends its request, in the order of its table. */
const MODES = /** @type {const} */ (['hit', 'refresh', 'skip']);
/** @typedef {(typeof MODES)[number]} Mode */

const BODY = JSON.stringify({
  model: BENCH_MODEL,
  messages: [{ role: 'user', content: 'What does the bench cache keep?' }],
});

/** @param {string} key @param {Mode} mode */
const call = (key, mode) => ({
  method: 'POST',
  path: '/v1/chat/completions',
  headers: {
    'content-type': 'application/json',
    authorization: `Bearer ${key}`,
    ...(mode === 'hit' ? {} : { 'x-gateway-cache': mode }),
  },
  body: BODY,
});

/** @param {string} body */
const answerOf = (body) => {
  try {
    return /** @type {{ choices?: { message?: { content?: string } }[] }} */ (JSON.parse(body)).choices?.[0]
      ?.message?.content;
  } catch {
    return undefined;
  }
};

/**
 * @typedef {Awaited<ReturnType<typeof import('./load.mjs').loadTest>>} LoadResult
 * @typedef {Awaited<ReturnType<typeof responseTimings>>} Timings
 * @param {{ gateway: { url: string, pids: number[] }, upstream: { pid: number, stats?: { requests: number } }, key: string, options: { durationS: number, warmupS: number, connections: number, attempts: number, maxOtherLoad: number, rounds: number, timedRequests: number }, log: (line: string) => void }} spec
 */
export async function runCacheSuite({ gateway, upstream, key, options, log }) {
  // Fills the entry, then checks each way answers as it says (a hit is a hit, the others are not).
  const primed = await send(gateway.url, call(key, 'refresh'));
  if (primed.status !== 200 || answerOf(primed.body) !== ANSWER_TEXT) {
    const reason = `priming: ${primed.status} ${primed.body.slice(0, 300)}`;
    log(`cache: skipped, ${reason}`);
    return { skipped: reason };
  }
  await sleep(200);
  for (const mode of MODES) {
    const { status, headers, body } = await send(gateway.url, call(key, mode));
    const header = headers.get('x-gateway-cache');
    if (status !== 200 || header !== mode || answerOf(body) !== ANSWER_TEXT) {
      const reason = `${mode}: ${status}, x-gateway-cache ${String(header)}, ${body.slice(0, 200)}`;
      log(`cache: skipped, ${reason}`);
      return { skipped: reason };
    }
  }
  /** @type {Record<Mode, { load: LoadResult, timings: Timings }[]>} */
  const runs = { hit: [], refresh: [], skip: [] };
  for (let round = 0; round < options.rounds; round++) {
    // Each round starts with another mode, so no mode always runs on a freshly warmed process.
    const order = MODES.map((_, i) => MODES[(i + round) % MODES.length] ?? 'hit');
    for (const mode of order) {
      const base = {
        url: gateway.url,
        call: call(key, mode),
        connections: options.connections,
        pids: gateway.pids,
        upstreamPid: upstream.pid,
      };
      const best = await leastDisturbedLoad(base, options);
      await sleep(250);
      const timings = await responseTimings({
        url: gateway.url,
        call: base.call,
        sequential: Math.max(1, Math.ceil(options.timedRequests / 2)),
        concurrent: 0,
        concurrency: 1,
      });
      runs[mode].push({ load: best, timings });
      log(
        `cache ${mode.padEnd(7)} round ${round + 1}/${options.rounds}: ${fmt(best.rps, 0)} req/s, ` +
          `${fmt(best.cpuMsPerRequest, 3)} CPU-ms/req, ${best.non2xx + best.errors} failed, ` +
          `c=1 p50 ${fmt(timings.sequential.totalMs.p50, 2)} ms`,
      );
    }
  }
  const medians = {
    hit: medianOf(runs.hit),
    refresh: medianOf(runs.refresh),
    skip: medianOf(runs.skip),
  };
  const ratio = (
    /** @type {Mode} */ mode,
    /** @type {(m: { load: LoadResult, timings: Timings }) => number} */ of,
  ) => of(medians.hit) / of(medians[mode]);
  return {
    modes: medians,
    // A hit against each uncached way: below 1 means the hit is cheaper or faster.
    hitVs: Object.fromEntries(
      /** @type {const} */ (['refresh', 'skip']).map((mode) => [
        mode,
        {
          cpu: ratio(mode, (m) => m.load.cpuMsPerRequest),
          p50: ratio(mode, (m) => m.timings.sequential.totalMs.p50),
          p99: ratio(mode, (m) => m.load.latencyMs.p99),
        },
      ]),
    ),
    runs,
  };
}

/** @param {Awaited<ReturnType<typeof runCacheSuite>>} result */
export function renderCacheReport(result) {
  if ('skipped' in result) return `skipped: ${result.skipped}`;
  const labels = {
    hit: 'hit (answered from KV)',
    refresh: 'refresh (model called, answer stored)',
    skip: 'skip (model called, cache unused)',
  };
  const rows = [
    ['POST /v1/chat/completions, JSON', 'req/s', 'CPU-ms/req', 'c=1 p50 ms', 'load p99 ms', 'failed'],
  ];
  for (const mode of MODES) {
    const m = result.modes[mode];
    rows.push([
      labels[mode],
      fmt(m.load.rps, 0),
      fmt(m.load.cpuMsPerRequest, 3),
      fmt(m.timings.sequential.totalMs.p50, 2),
      fmt(m.load.latencyMs.p99, 2),
      String(m.load.non2xx + m.load.errors),
    ]);
  }
  const { refresh, skip } = result.hitVs;
  return (
    `${table(rows)}\n\na hit against a refresh: ${fmt(refresh?.cpu ?? NaN, 2)}x CPU, ${fmt(refresh?.p50 ?? NaN, 2)}x p50; ` +
    `against skip: ${fmt(skip?.cpu ?? NaN, 2)}x CPU, ${fmt(skip?.p50 ?? NaN, 2)}x p50 ` +
    '(the fake model answers at once: a real model’s time is saved on top)'
  );
}
