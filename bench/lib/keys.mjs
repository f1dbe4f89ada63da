// The `keys` suite (issue 14): what authenticating by a runtime key costs next to a config key, in
// one run, on the gateway bundle and workerd process of the core suite.
//
// - Cached path: the same requests with the `bench` tenant's config key and with a runtime key
//   issued for the same tenant (same scopes, no limits of its own, so only authentication
//   differs), alternating which goes first. The target: the median over rounds of the runtime
//   key's CPU per request over the config key's in the same round, at most 1.05.
// - Uncached: the first request of fresh runtime keys (one call to the tenant's ControlPlaneDO),
//   next to their second (from the isolate's cache).
// - The revocation bound in effect (the gateway's CONTROL_PLANE_CACHE_TTL_MS) and, as a check, how
//   soon this one isolate refused the key once the revocation had returned.
import { setTimeout as sleep } from 'node:timers/promises';
import { leastDisturbedLoad, summarize } from './load.mjs';
import { fmt, medianOf, table } from './report.mjs';
import { BENCH_API_KEY, BENCH_MODEL } from './workers.mjs';

/** The cached runtime-key path may cost at most this much more CPU per request than a config key. */
export const CACHED_TARGET_RATIO = 1.05;
const FRESH_KEYS = 20;

/**
 * @typedef {import('./load.mjs').HttpCall} HttpCall
 * @typedef {Awaited<ReturnType<typeof import('./load.mjs').loadTest>>} LoadResult
 * @typedef {{ id: string, title: string, config: LoadResult, runtime: LoadResult, cpuRatio: number, rpsRatio: number, withinTarget: boolean }} CachedResult
 */

/** @param {string} key @returns {Record<string, { title: string, call: HttpCall }>} */
function calls(key) {
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  return {
    tenant: {
      title: 'GET /tenant (authentication and little else)',
      call: { method: 'GET', path: '/tenant', headers },
    },
    chat: {
      title: 'POST /v1/chat/completions, JSON',
      call: {
        method: 'POST',
        path: '/v1/chat/completions',
        headers,
        body: JSON.stringify({
          model: BENCH_MODEL,
          messages: [{ role: 'user', content: 'Name twenty words.' }],
        }),
      },
    },
  };
}

/**
 * @param {string} url
 * @param {string} operatorKey
 * @param {string} path
 * @param {'GET' | 'POST' | 'DELETE'} method
 * @param {unknown} [body]
 */
async function operator(url, operatorKey, path, method, body) {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${operatorKey}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
  return /** @type {{ id: string, key: string }} */ (JSON.parse(text));
}

/** @param {string} url @param {string} key */
async function timedTenant(url, key) {
  const started = performance.now();
  const res = await fetch(`${url}/tenant`, { headers: { authorization: `Bearer ${key}` } });
  await res.text();
  return { ms: performance.now() - started, status: res.status };
}

/**
 * @param {{
 *   gateway: { url: string, pids: number[] },
 *   upstream: { pid: number },
 *   operatorKey: string,
 *   ttlMs: number,
 *   options: { connections: number, durationS: number, warmupS: number, rounds: number, attempts: number, maxOtherLoad: number },
 *   log: (line: string) => void,
 * }} input
 */
export async function runKeysSuite({ gateway, upstream, operatorKey, ttlMs, options, log }) {
  const { url } = gateway;
  const runtime = await operator(url, operatorKey, '/admin/tenants/bench/keys', 'POST', {
    name: 'bench',
    scopes: ['chat'],
  });
  const targets = { config: calls(BENCH_API_KEY), runtime: calls(runtime.key) };
  // At least four rounds, each kind of key going first in half of them (order alone moves figures
  // by a few %). Each round's two measurements are back to back, so their ratio sees the same
  // background load; the verdict is the median of those paired ratios.
  const rounds = Math.max(4, options.rounds + (options.rounds % 2));

  /** @type {CachedResult[]} */
  const cached = [];
  for (const id of /** @type {const} */ (['tenant', 'chat'])) {
    /** @type {Record<'config' | 'runtime', LoadResult[]>} */
    const runs = { config: [], runtime: [] };
    for (let round = 0; round < rounds; round++) {
      /** @type {('config' | 'runtime')[]} */
      const order = round % 2 === 0 ? ['config', 'runtime'] : ['runtime', 'config'];
      for (const kind of order) {
        const base = {
          url,
          call: targets[kind][id].call,
          connections: options.connections,
          pids: gateway.pids,
          upstreamPid: upstream.pid,
        };
        const best = await leastDisturbedLoad(base, options);
        runs[kind].push(best);
        log(
          `keys ${id.padEnd(6)} ${kind.padEnd(7)} round ${round + 1}/${rounds}: ${fmt(best.rps, 0)} req/s, ` +
            `p50 ${fmt(best.latencyMs.p50, 2)} ms, ${fmt(best.cpuMsPerRequest, 3)} CPU-ms/req, ` +
            `${best.non2xx + best.errors} failed, other load ${fmt(best.otherLoadShare * 100, 0)}%`,
        );
      }
    }
    const config = medianOf(runs.config);
    const rt = medianOf(runs.runtime);
    const ratio = medianOf(
      runs.runtime.map((run, i) => run.cpuMsPerRequest / (runs.config[i]?.cpuMsPerRequest ?? NaN)),
    );
    cached.push({
      id,
      title: targets.config[id].title,
      config,
      runtime: rt,
      cpuRatio: ratio,
      rpsRatio: rt.rps / config.rps,
      withinTarget: ratio <= CACHED_TARGET_RATIO,
    });
  }

  // Uncached: each fresh key's first request asks the object; its second is served from the cache.
  /** @type {number[]} */
  const first = [];
  /** @type {number[]} */
  const second = [];
  for (let i = 0; i < FRESH_KEYS; i++) {
    const fresh = await operator(url, operatorKey, '/admin/tenants/bench/keys', 'POST', {
      name: `fresh ${i}`,
      scopes: ['chat'],
    });
    first.push((await timedTenant(url, fresh.key)).ms);
    second.push((await timedTenant(url, fresh.key)).ms);
    await operator(url, operatorKey, `/admin/tenants/bench/keys/${fresh.id}`, 'DELETE');
  }

  // The bound, and a check of it in this one isolate: revoke, then ask until refused.
  await operator(url, operatorKey, `/admin/tenants/bench/keys/${runtime.id}`, 'DELETE');
  const revokedAt = performance.now();
  let refusedAfterMs = NaN;
  while (performance.now() - revokedAt < ttlMs + 2000) {
    if ((await timedTenant(url, runtime.key)).status === 401) {
      refusedAfterMs = performance.now() - revokedAt;
      break;
    }
    await sleep(50);
  }
  return {
    cached,
    uncached: { firstRequestMs: summarize(first), cachedRequestMs: summarize(second), keys: FRESH_KEYS },
    revocation: { boundMs: ttlMs, refusedAfterMs, isolates: 1 },
    target: { cachedCpuRatioAtMost: CACHED_TARGET_RATIO },
    rounds,
  };
}

/** @param {Awaited<ReturnType<typeof runKeysSuite>>} result */
export function renderKeysReport(result) {
  const rows = [['request', 'key', 'req/s', 'p50 ms', 'p99 ms', 'CPU-ms/req', 'CPU vs config']];
  for (const entry of result.cached) {
    for (const kind of /** @type {const} */ (['config', 'runtime'])) {
      const load = entry[kind];
      rows.push([
        kind === 'config' ? entry.title : '',
        kind,
        fmt(load.rps, 0),
        fmt(load.latencyMs.p50, 2),
        fmt(load.latencyMs.p99, 2),
        fmt(load.cpuMsPerRequest, 3),
        kind === 'config' ? '' : `${fmt((entry.cpuRatio - 1) * 100, 1)} %`,
      ]);
    }
  }
  const verdicts = result.cached.map(
    (entry) =>
      `${entry.withinTarget ? 'met' : 'MISSED'}: ${entry.id}, runtime key ${fmt((entry.cpuRatio - 1) * 100, 1)} % CPU per request ` +
      `vs the config key (target ≤ ${fmt((result.target.cachedCpuRatioAtMost - 1) * 100, 0)} %)`,
  );
  const { uncached, revocation } = result;
  return [
    `Runtime keys vs config keys (cached path; medians of ${result.rounds} rounds, alternating order;` +
      ` "CPU vs config" is the median of the rounds' paired ratios)`,
    '',
    table(rows),
    '',
    ...verdicts,
    '',
    `Uncached (first request of ${uncached.keys} fresh keys, one ControlPlaneDO call): p50 ` +
      `${fmt(uncached.firstRequestMs.p50, 2)} ms, p90 ${fmt(uncached.firstRequestMs.p90, 2)} ms; ` +
      `their second request (cached): p50 ${fmt(uncached.cachedRequestMs.p50, 2)} ms`,
    `Revocation bound in effect: ${fmt(revocation.boundMs / 1000, 1)} s (CONTROL_PLANE_CACHE_TTL_MS = ${revocation.boundMs}); ` +
      `in this run's one isolate the revoked key was refused ${fmt(revocation.refusedAfterMs, 0)} ms after the revocation returned`,
  ].join('\n');
}
