// `npm run simulate`: one tenant at 1,000, 5,000 and 10,000 requests a second, spread over many
// simulated isolates, against real local Durable Objects (the simulation Worker,
// bench/workers/simulate.ts, in workerd through the Miniflare API), on a simulated clock (the
// counts do not depend on how busy the machine is; the real time taken is printed). Prints, per rate, what was
// admitted against what the limit allows, tokens spent against the budget, what crashed isolates
// lost, the latency the limits add, and the calls each object received per second; the last line
//   simulate: <rate> req/s, max object calls/s <n>, request overshoot <x>%, token overshoot <y>%
// is the largest rate's. Not a test: it never fails on a figure (the goals are printed PASS/FAIL).
// See docs/performance.md ("One tenant at 10,000 requests a second") and docs/limits.md.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { WORKER_BUNDLE_OPTIONS, gatewayConfigOptions, startWorker } from '../../bench/lib/workers.mjs';
import { renderSimulation, type SimRun } from './report.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

const HELP = `Usage: npm run simulate -- [options]

  --rates <list>        offered requests per second (default 1000,5000,10000)
  --seconds <n>         length of each run (default 10; --quick: 4)
  --per-isolate <n>     offered requests per second per isolate: isolates = rate / this (default 200)
  --mode <m>            leased (default) or exact (every request asks the objects; for comparison
                        at low rates only: a local object cannot take 10,000 calls a second)
  --rtt-ms <n>          added to every object call, a round trip to another location (default 10)
  --crashes <n>         isolates that die during each run, holding their leases (default 1)
  --limit-share <f>     the tenant's request limit as a share of the offered rate (default 0.8)
  --budget-share <f>    the token budget as a share of what admitted requests would spend (default 0.6)
  --request-ttl-ms <n>  the tenant's limits.lease.requestTtlMs (default 2000: the schema's);
                        leases hold about a tenth of it of an isolate's demand
  --json <file>         also write every run's result there
  --quick               4 s per rate (about a minute in all)
  --help`;

const { values: args } = parseArgs({
  options: {
    rates: { type: 'string' },
    seconds: { type: 'string' },
    'per-isolate': { type: 'string' },
    mode: { type: 'string' },
    'rtt-ms': { type: 'string' },
    crashes: { type: 'string' },
    'limit-share': { type: 'string' },
    'budget-share': { type: 'string' },
    'request-ttl-ms': { type: 'string' },
    json: { type: 'string' },
    quick: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  console.log(HELP);
  process.exit(0);
}

function positive(value: string | undefined, fallback: number, name: string, allowZero = false): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || (!allowZero && n === 0)) {
    console.error(`--${name} must be a positive number; got "${value}"\n\n${HELP}`);
    process.exit(2);
  }
  return n;
}

const rates = (args.rates ?? '1000,5000,10000').split(',').map((r) => positive(r.trim(), 0, 'rates'));
const seconds = positive(args.seconds, args.quick ? 4 : 10, 'seconds');
const perIsolate = positive(args['per-isolate'], 200, 'per-isolate');
const mode = args.mode ?? 'leased';
if (mode !== 'leased' && mode !== 'exact') {
  console.error(`--mode is leased or exact; got "${mode}"`);
  process.exit(2);
}
const rttMs = positive(args['rtt-ms'], 10, 'rtt-ms', true);
const crashes = Math.round(positive(args.crashes, 1, 'crashes', true));
const limitShare = positive(args['limit-share'], 0.8, 'limit-share');
const budgetShare = positive(args['budget-share'], 0.6, 'budget-share');
const requestTtlMs =
  args['request-ttl-ms'] === undefined
    ? undefined
    : positive(args['request-ttl-ms'], 2_000, 'request-ttl-ms');
const log = (line: string) => process.stderr.write(`${line}\n`);

const outdir = await mkdtemp(join(tmpdir(), 'aigw-simulate-'));
let worker: Awaited<ReturnType<typeof startWorker>> | undefined;
try {
  await build({
    entryPoints: { simulate: join(root, 'bench/workers/simulate.ts') },
    outdir,
    outExtension: { '.js': '.mjs' },
    ...WORKER_BUNDLE_OPTIONS,
    logLevel: 'warning',
  });
  const { runtime } = gatewayConfigOptions();
  worker = await startWorker({
    name: 'simulate',
    scriptPath: join(outdir, 'simulate.mjs'),
    runtime,
    options: {
      durableObjects: {
        RATE_LIMITER: { className: 'RateLimiterDO', useSQLite: true },
        BUDGET: { className: 'BudgetDO', useSQLite: true },
        USAGE_STORE: { className: 'UsageStoreDO', useSQLite: true },
      },
    },
  });
  const runs: SimRun[] = [];
  for (const [index, rate] of rates.entries()) {
    const isolates = Math.max(2, Math.round(rate / perIsolate));
    log(`simulating ${rate} req/s over ${isolates} isolates for ${seconds} s (${mode})…`);
    const res = await fetch(worker.url, {
      method: 'POST',
      body: JSON.stringify({
        rate,
        seconds,
        isolates,
        mode,
        rttMs,
        crashes,
        limitShare,
        budgetShare,
        seed: 19 + index,
        ...(requestTtlMs === undefined ? {} : { lease: { requestTtlMs } }),
      }),
    });
    if (!res.ok) throw new Error(`the simulation Worker answered ${res.status}: ${await res.text()}`);
    runs.push((await res.json()) as SimRun);
  }
  if (args.json !== undefined) {
    await mkdir(dirname(args.json), { recursive: true });
    await writeFile(args.json, `${JSON.stringify(runs, null, 2)}\n`);
    log(`results: ${args.json}`);
  }
  log(
    `\nOne tenant, ${mode} mode, ${rttMs} ms added to each object call, ${crashes} isolate crash(es) per run, ` +
      'simulated clock; limit = tenant requests per second (GCRA, burst a quarter second; the key ' +
      'limit 10 points higher), budget = tokens.\n',
  );
  console.log(renderSimulation(runs));
} finally {
  await worker?.dispose().catch(() => undefined);
  await rm(outdir, { recursive: true, force: true });
}
