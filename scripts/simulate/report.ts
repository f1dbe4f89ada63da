/**
 * What `npm run simulate` prints, from the simulation Worker's results (bench/workers/simulate.ts):
 * one row per rate, the busiest objects, the goals of issue 19, and a last line a script can read.
 */

/** The part of a run's result the report reads. */
export interface SimRun {
  input: { rate: number; seconds: number; isolates: number; mode: string; rttMs: number; crashes: number };
  elapsedS: number;
  offeredPerSecond: number;
  limits: { requestsPerSecond: number; burst: number; tokensPerDay: number; leaseTokens: number };
  admitted: number;
  allowed: number;
  admittedShare: number;
  requestOvershootPercent: number;
  spentTokens: number;
  bookedTokens: number;
  tokenOvershoot: number;
  tokenOvershootPercent: number;
  lostTokens: number;
  lostUsageEvents: number;
  crashes: number;
  failed: number;
  addedLatencyMs: { p50: number; p99: number; max: number };
  /** Real seconds the run took, and real time an object call took to answer (not simulated). */
  wallS: number;
  objectCallRealMs: { p50: number; p99: number };
  callsByMethod: Record<string, number>;
  objects: { object: string; maxPerSecond: number; meanPerSecond: number; total: number }[];
  maxObjectCallsPerSecond: number;
}

/** Issue 19's goals for the largest rate. */
export const GOALS = { maxObjectCallsPerSecond: 500, requestOvershootPercent: 2, tokenOvershootLeases: 1 };

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const fixed = (n: number, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : '-');

function table(rows: string[][]): string {
  const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length)));
  const line = (row: string[]) =>
    row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ');
  const [head, ...body] = rows;
  return [line(head ?? []), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

/** The line a script can read: the largest rate's figures. */
export function lastLine(run: SimRun): string {
  return (
    `simulate: ${run.input.rate} req/s, max object calls/s ${int(run.maxObjectCallsPerSecond).replaceAll(',', '')}, ` +
    `request overshoot ${fixed(run.requestOvershootPercent)}%, token overshoot ${fixed(run.tokenOvershootPercent)}%`
  );
}

export function goalChecks(run: SimRun): { name: string; ok: boolean; detail: string }[] {
  const leases = run.limits.leaseTokens > 0 ? run.tokenOvershoot / run.limits.leaseTokens : NaN;
  return [
    {
      name: `no object above ${GOALS.maxObjectCallsPerSecond} calls/s`,
      ok: run.maxObjectCallsPerSecond <= GOALS.maxObjectCallsPerSecond,
      detail: `busiest ${int(run.maxObjectCallsPerSecond)}/s`,
    },
    {
      name: `admitted requests at most ${GOALS.requestOvershootPercent} % over the limit`,
      ok: run.requestOvershootPercent <= GOALS.requestOvershootPercent,
      detail: `${fixed(run.requestOvershootPercent)} % over (${int(run.admitted)} admitted of ${int(run.allowed)} allowed)`,
    },
    {
      name: `spent tokens at most ${GOALS.tokenOvershootLeases} lease over the budget`,
      ok: Number.isFinite(leases) && leases <= GOALS.tokenOvershootLeases,
      detail: `${int(run.tokenOvershoot)} tokens over = ${fixed(leases)} of a ${int(run.limits.leaseTokens)}-token lease`,
    },
  ];
}

export function renderSimulation(runs: readonly SimRun[]): string {
  const rows = [
    [
      'offered req/s',
      'isolates',
      'mode',
      'limit req/s',
      'admitted / allowed',
      'req overshoot',
      'tokens spent / budget',
      'token overshoot',
      'lost in crashes',
      'added p50 ms',
      'added p99 ms',
      'max calls/s, one object',
    ],
  ];
  for (const run of runs) {
    rows.push([
      `${int(run.input.rate)} (${int(run.offeredPerSecond)})`,
      String(run.input.isolates),
      run.input.mode,
      int(run.limits.requestsPerSecond),
      `${int(run.admitted)} / ${int(run.allowed)} (${fixed(run.admittedShare * 100, 1)} %)`,
      `${fixed(run.requestOvershootPercent)} %`,
      `${int(run.spentTokens)} / ${int(run.limits.tokensPerDay)}`,
      `${fixed(run.tokenOvershootPercent)} %`,
      `${run.crashes}: ${int(run.lostTokens)} tok, ${int(run.lostUsageEvents)} events`,
      fixed(run.addedLatencyMs.p50, 0),
      fixed(run.addedLatencyMs.p99, 0),
      int(run.maxObjectCallsPerSecond),
    ]);
  }
  const objectRows = [['object (largest rate)', 'max calls/s', 'mean calls/s', 'calls']];
  const largest = runs.at(-1);
  for (const object of [...(largest?.objects ?? [])].sort((a, b) => b.maxPerSecond - a.maxPerSecond)) {
    objectRows.push([
      object.object,
      int(object.maxPerSecond),
      fixed(object.meanPerSecond, 1),
      int(object.total),
    ]);
  }
  const lines = [table(rows), ''];
  for (const run of runs) {
    const methods = Object.entries(run.callsByMethod)
      .map(([method, n]) => `${method} ${int(n)}`)
      .join(', ');
    lines.push(
      `${int(run.input.rate)} req/s: ${methods}; ran ${fixed(run.wallS, 1)} s of real time, ` +
        `a local object call answered in p50 ${fixed(run.objectCallRealMs.p50, 1)} ms, p99 ${fixed(run.objectCallRealMs.p99, 1)} ms (real, not simulated)`,
    );
  }
  lines.push('', table(objectRows));
  if (largest !== undefined) {
    lines.push('', `Goals at ${int(largest.input.rate)} req/s (issue 19):`);
    for (const check of goalChecks(largest))
      lines.push(`  ${check.ok ? 'PASS' : 'FAIL'}  ${check.name}: ${check.detail}`);
    lines.push('', lastLine(largest));
  }
  return lines.join('\n');
}
