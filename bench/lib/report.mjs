// The printed table and the target checks. Targets are informational: a miss is reported, never
// turned into a failing exit code (the figures depend on the machine).

/** Gateway p50 latency at most this multiple of the bare Worker's. */
export const LATENCY_RATIO_MAX = 1.3;
/** Gateway throughput at least this fraction of the bare Worker's. */
export const THROUGHPUT_RATIO_MIN = 0.75;
/**
 * "No added fixed delay before the first streamed chunk": the gateway's median time to the first
 * answer text may exceed the bare Worker's by this factor, or by this many milliseconds, whichever
 * is larger (sub-millisecond medians make a pure ratio jumpy).
 */
export const FIRST_CHUNK_RATIO_MAX = 1.3;
export const FIRST_CHUNK_SLACK_MS = 1;
/** Share of the machine used by other processes during a measurement above which we warn. */
export const OTHER_LOAD_WARNING = 0.1;

/**
 * @typedef {ReturnType<typeof import('./load.mjs').summarize>} Summary
 * @typedef {Awaited<ReturnType<typeof import('./load.mjs').loadTest>>} LoadResult
 * @typedef {Awaited<ReturnType<typeof import('./load.mjs').responseTimings>>} TimingResult
 * @typedef {{ load: LoadResult, timings: TimingResult, upstreamCallsPerRequest?: number }} TargetResult
 * @typedef {{ id: string, title: string, stream: boolean, informational: boolean, twin?: string, skipped?: string, bare?: TargetResult, gateway?: TargetResult, ratios?: Record<string, number> }} ScenarioResult
 * @typedef {{ scenario: string, target: string, measured: number, limit: string, pass: boolean }} TargetCheck
 */

/**
 * The median of each figure over the rounds (numbers at any depth; anything else from round 1).
 * @template T
 * @param {T[]} runs
 * @returns {T}
 */
export function medianOf(runs) {
  const [first] = runs;
  if (runs.length === 1 || first === null || typeof first !== 'object') {
    if (typeof first !== 'number') return /** @type {T} */ (first);
    const sorted = /** @type {number[]} */ (runs).slice().sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return /** @type {T} */ (
      sorted.length % 2 === 1 ? sorted[mid] : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2
    );
  }
  /** @type {Record<string, unknown>} */
  const out = {};
  for (const key of Object.keys(first)) {
    out[key] = medianOf(runs.map((run) => /** @type {Record<string, unknown>} */ (run)[key]));
  }
  return /** @type {T} */ (out);
}

/**
 * Gateway / bare for every figure of a scenario.
 * @param {TargetResult} bare
 * @param {TargetResult} gateway
 */
export function ratios(bare, gateway) {
  /** @param {number} a @param {number} b */
  const ratio = (a, b) => (b > 0 ? a / b : NaN);
  /** @type {Record<string, number>} */
  const out = {
    rps: ratio(gateway.load.rps, bare.load.rps),
    p50: ratio(gateway.load.latencyMs.p50, bare.load.latencyMs.p50),
    p99: ratio(gateway.load.latencyMs.p99, bare.load.latencyMs.p99),
    cpuMsPerRequest: ratio(gateway.load.cpuMsPerRequest, bare.load.cpuMsPerRequest),
  };
  const [b, g] = [bare.timings.sequential, gateway.timings.sequential];
  out.firstByteP50 = ratio(g.firstByteMs.p50, b.firstByteMs.p50);
  out.totalP50 = ratio(g.totalMs.p50, b.totalMs.p50);
  if (Number.isFinite(b.firstContentMs.p50)) {
    out.firstContentP50 = ratio(g.firstContentMs.p50, b.firstContentMs.p50);
  }
  return out;
}

/**
 * @param {ScenarioResult[]} scenarios
 * @returns {TargetCheck[]}
 */
export function checkTargets(scenarios) {
  /** @type {TargetCheck[]} */
  const checks = [];
  for (const s of scenarios) {
    if (s.informational || !s.bare || !s.gateway || !s.ratios) continue;
    const r = s.ratios;
    checks.push({
      scenario: s.id,
      target: 'p50 latency gateway/bare',
      measured: r.p50 ?? NaN,
      limit: `<= ${LATENCY_RATIO_MAX}`,
      pass: (r.p50 ?? Infinity) <= LATENCY_RATIO_MAX,
    });
    checks.push({
      scenario: s.id,
      target: 'throughput gateway/bare',
      measured: r.rps ?? NaN,
      limit: `>= ${THROUGHPUT_RATIO_MIN}`,
      pass: (r.rps ?? 0) >= THROUGHPUT_RATIO_MIN,
    });
    if (s.stream) {
      const bare = s.bare.timings.sequential.firstContentMs.p50;
      const gateway = s.gateway.timings.sequential.firstContentMs.p50;
      const allowed = Math.max(bare * FIRST_CHUNK_RATIO_MAX, bare + FIRST_CHUNK_SLACK_MS);
      // For scale: what the gateway adds to a whole non-streamed answer of the same API, i.e. its
      // per-request processing. A first chunk held back on purpose would add more than that.
      const twin = scenarios.find((other) => other.id === s.twin);
      const twinAdded =
        twin?.bare && twin.gateway
          ? twin.gateway.timings.sequential.totalMs.p50 - twin.bare.timings.sequential.totalMs.p50
          : NaN;
      checks.push({
        scenario: s.id,
        target: 'first text p50 at c=1, gateway/bare (no added fixed delay)',
        measured: gateway / bare,
        limit:
          `<= ${FIRST_CHUNK_RATIO_MAX} or +${FIRST_CHUNK_SLACK_MS} ms; ${fmt(gateway - bare, 2)} ms added` +
          (Number.isFinite(twinAdded)
            ? `, vs ${fmt(twinAdded, 2)} ms added to a whole ${twin?.id ?? ''} answer`
            : ''),
        pass: gateway <= allowed,
      });
    }
  }
  return checks;
}

/** @param {number | undefined} value @param {number} [digits] */
export function fmt(value, digits = 1) {
  if (value === undefined || !Number.isFinite(value)) return '-';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** @param {string[][]} rows */
export function table(rows) {
  const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length)));
  const line = (/** @type {string[]} */ row) =>
    row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ');
  const [head, ...body] = rows;
  return [line(head ?? []), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

/**
 * The human-readable report.
 * @param {ScenarioResult[]} scenarios
 * @param {TargetCheck[]} checks
 */
export function renderReport(scenarios, checks) {
  const columns = [
    'scenario / Worker',
    'req/s',
    'p50 ms',
    'p99 ms',
    'CPU-ms/req',
    'c=1 TTFB',
    'c=1 1st text',
    'c=1 full',
    'failed',
  ];
  const blank = columns.map(() => '');
  /** @type {string[][]} */
  const rows = [columns];
  for (const s of scenarios) {
    if (s.skipped) {
      rows.push([`${s.title}: skipped (${s.skipped})`, ...blank.slice(1)]);
      continue;
    }
    rows.push([s.title + (s.informational ? ' [info]' : ''), ...blank.slice(1)]);
    for (const name of /** @type {const} */ (['bare', 'gateway'])) {
      const t = s[name];
      if (!t) continue;
      const c1 = t.timings.sequential;
      rows.push([
        `  ${name}`,
        fmt(t.load.rps, 0),
        fmt(t.load.latencyMs.p50, 2),
        fmt(t.load.latencyMs.p99, 2),
        fmt(t.load.cpuMsPerRequest, 3),
        fmt(c1.firstByteMs.p50, 2),
        fmt(c1.firstContentMs.p50, 2),
        fmt(c1.totalMs.p50, 2),
        String(t.load.non2xx + t.load.errors + t.timings.sequential.failed + t.timings.concurrent.failed),
      ]);
    }
    const r = s.ratios;
    if (r) {
      /** @param {number | undefined} value */
      const x = (value) => (value === undefined ? '' : `${fmt(value, 2)}x`);
      rows.push([
        '  gateway / bare',
        x(r.rps),
        x(r.p50),
        x(r.p99),
        x(r.cpuMsPerRequest),
        x(r.firstByteP50),
        x(r.firstContentP50),
        x(r.totalP50),
        '',
      ]);
    }
  }
  const out = [table(rows)];
  out.push(
    '',
    'req/s, p50, p99, CPU-ms/req: under load. c=1: medians (ms) of requests sent one at a time, no load.',
  );
  const otherLoad = Math.max(
    0,
    ...scenarios.flatMap((s) => [s.bare?.load.otherLoadShare ?? 0, s.gateway?.load.otherLoadShare ?? 0]),
  );
  if (otherLoad > OTHER_LOAD_WARNING) {
    out.push(
      `WARNING: other processes used up to ${fmt(otherLoad * 100, 0)}% of the machine during a measurement; ` +
        'req/s and latencies are skewed (CPU-ms/req much less so). Rerun on a quiet machine.',
    );
  }
  if (checks.length > 0) {
    out.push('', 'Targets (informational):');
    for (const c of checks) {
      out.push(
        `  ${c.pass ? 'PASS' : 'FAIL'}  ${c.scenario.padEnd(14)} ${c.target}: ${fmt(c.measured, 2)}x (${c.limit})`,
      );
    }
  } else {
    out.push('', 'Targets: none checked (no chat scenario could run).');
  }
  return out.join('\n');
}
