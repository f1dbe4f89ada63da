// The `logs` suite (issue 17): what the request log costs a `/v1` JSON request, on the gateway
// bundle and workerd process of the core suite, in one run. Three tenants that differ only in
// their `logs` section answer the same `POST /v1/chat/completions` (JSON) from the fake upstream:
//
// - off:    `logs.enabled: false`, no entry at all;
// - on:     the default, one entry per request without bodies;
// - bodies: `logs.bodies.enabled: true`, each entry with its redacted, capped request and response.
//
// Each round measures the three back to back (rotating which goes first); the verdict is the
// median of the rounds' paired ratios against `off`, and the target is "at most 10 % more CPU per
// request" for both. The writes run after the response (waitUntil, batched per tenant) and the
// RequestLogDO runs in the same workerd process, so its CPU is in the figure.
import { leastDisturbedLoad, send } from './load.mjs';
import { fmt, medianOf, table } from './report.mjs';
import { BENCH_MODEL, benchApiKey, keyHash } from './workers.mjs';

/** The log (with or without bodies) may add at most this much CPU per `/v1` JSON request. */
export const LOG_TARGET_RATIO = 1.1;

/** @typedef {'off' | 'on' | 'bodies'} LogMode */
const MODES = /** @type {const} */ (['off', 'on', 'bodies']);

const LOGS = {
  off: { enabled: false },
  on: {},
  bodies: { bodies: { enabled: true, maxBytes: 16_384 } },
};

/**
 * The three tenants, their keys generated at this run (only hashes go into the registry).
 * @param {{ environments: string[], providers: unknown, models: unknown }} common
 */
export function logsTenants(common) {
  /** @type {Record<LogMode, string>} */
  const keys = { off: '', on: '', bodies: '' };
  const configs = MODES.map((mode) => {
    const id = `bench-log-${mode}`;
    const key = benchApiKey(id);
    keys[mode] = key;
    return {
      id,
      name: `Bench (request log ${mode})`,
      apiKeys: [
        {
          id: 'bench',
          hash: keyHash(key),
          scopes: ['chat', 'logs'],
          label: 'bench',
          createdAt: '2026-01-01T00:00:00Z',
        },
      ],
      ...common,
      logs: LOGS[mode],
    };
  });
  return { keys, configs };
}

/** @param {string} key */
const chatCall = (key) => ({
  method: /** @type {const} */ ('POST'),
  path: '/v1/chat/completions',
  headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
  body: JSON.stringify({
    model: BENCH_MODEL,
    user: 'bench-user',
    messages: [{ role: 'user', content: 'Name twenty words.' }],
  }),
});

/** @param {string} url @param {string} key */
async function logCount(url, key) {
  const res = await fetch(`${url}/v1/logs?limit=1`, { headers: { authorization: `Bearer ${key}` } });
  const page = /** @type {{ data: { hasBodies: boolean }[] }} */ (await res.json());
  return { status: res.status, first: page.data[0] };
}

/**
 * @typedef {Awaited<ReturnType<typeof leastDisturbedLoad>>} LoadResult
 * @param {{
 *   gateway: { url: string, pids: number[] },
 *   upstream: { pid: number },
 *   keys: Record<LogMode, string>,
 *   options: { connections: number, durationS: number, warmupS: number, rounds: number, attempts: number, maxOtherLoad: number },
 *   log: (line: string) => void,
 * }} input
 */
export async function runLogsSuite({ gateway, upstream, keys, options, log }) {
  const { url } = gateway;
  for (const mode of MODES) {
    const probe = await send(url, chatCall(keys[mode]));
    if (probe.status !== 200) {
      const reason = `${mode}: ${probe.status} ${probe.body.slice(0, 300)}`;
      log(`logs: skipped, ${reason}`);
      return { skipped: reason };
    }
  }
  // At least three rounds, so that each mode goes first once (order alone moves figures by a few %).
  const rounds = Math.max(3, options.rounds);
  /** @type {Record<LogMode, LoadResult[]>} */
  const runs = { off: [], on: [], bodies: [] };
  for (let round = 0; round < rounds; round++) {
    const order = MODES.map((_, i) => MODES[(i + round) % MODES.length] ?? 'off');
    for (const mode of order) {
      const base = {
        url,
        call: chatCall(keys[mode]),
        connections: options.connections,
        pids: gateway.pids,
        upstreamPid: upstream.pid,
      };
      const best = await leastDisturbedLoad(base, options);
      runs[mode].push(best);
      log(
        `logs ${mode.padEnd(6)} round ${round + 1}/${rounds}: ${fmt(best.rps, 0)} req/s, ` +
          `p50 ${fmt(best.latencyMs.p50, 2)} ms, ${fmt(best.cpuMsPerRequest, 3)} CPU-ms/req, ` +
          `${best.non2xx + best.errors} failed, other load ${fmt(best.otherLoadShare * 100, 0)}%`,
      );
    }
  }
  // A check that the modes did what they say: entries for on and bodies (with bodies only there).
  const written = {
    off: await logCount(url, keys.off),
    on: await logCount(url, keys.on),
    bodies: await logCount(url, keys.bodies),
  };
  const logged = {
    off: written.off.first !== undefined,
    on: written.on.first?.hasBodies === false,
    bodies: written.bodies.first?.hasBodies === true,
  };
  /** @param {'on' | 'bodies'} mode */
  const paired = (mode) =>
    medianOf(runs[mode].map((run, i) => run.cpuMsPerRequest / (runs.off[i]?.cpuMsPerRequest ?? NaN)));
  const cpuRatio = { on: paired('on'), bodies: paired('bodies') };
  return {
    rounds,
    off: medianOf(runs.off),
    on: medianOf(runs.on),
    bodies: medianOf(runs.bodies),
    cpuRatio,
    logged,
    target: { cpuRatioAtMost: LOG_TARGET_RATIO },
    withinTarget: { on: cpuRatio.on <= LOG_TARGET_RATIO, bodies: cpuRatio.bodies <= LOG_TARGET_RATIO },
    runs,
  };
}

/** @param {Awaited<ReturnType<typeof runLogsSuite>>} result */
export function renderLogsReport(result) {
  if ('skipped' in result) return `skipped: ${result.skipped}`;
  const labels = {
    off: 'off (logs.enabled: false)',
    on: 'on, no bodies (default)',
    bodies: 'on, bodies (16 KiB cap)',
  };
  const rows = [['POST /v1/chat/completions, JSON', 'req/s', 'p50 ms', 'p99 ms', 'CPU-ms/req', 'CPU vs off']];
  for (const mode of MODES) {
    const load = result[mode];
    rows.push([
      labels[mode],
      fmt(load.rps, 0),
      fmt(load.latencyMs.p50, 2),
      fmt(load.latencyMs.p99, 2),
      fmt(load.cpuMsPerRequest, 3),
      mode === 'off' ? '' : `${fmt((result.cpuRatio[mode] - 1) * 100, 1)} %`,
    ]);
  }
  const limit = fmt((result.target.cpuRatioAtMost - 1) * 100, 0);
  const verdicts = /** @type {const} */ (['on', 'bodies']).map(
    (mode) =>
      `${result.withinTarget[mode] ? 'met' : 'MISSED'}: log ${mode === 'on' ? 'on (no bodies)' : 'on with bodies'} ` +
      `adds ${fmt((result.cpuRatio[mode] - 1) * 100, 1)} % CPU per request (target: log adds at most ${limit} % CPU)`,
  );
  const sane =
    !result.logged.off && result.logged.on && result.logged.bodies
      ? 'entries written: none for off, without bodies for on, with bodies for bodies (as configured)'
      : `WARNING: the log did not behave as configured: ${JSON.stringify(result.logged)}`;
  return [
    `Request log (medians of ${result.rounds} rounds, rotating order; "CPU vs off" is the median of the rounds' paired ratios)`,
    '',
    table(rows),
    '',
    ...verdicts,
    sane,
  ].join('\n');
}
