// `npm run cost`: what one request costs the platform, per route and feature combination — the
// Durable Object calls and KV operations it makes (counted at the binding), which of them the
// response waits for and in how many rounds, CPU-ms per request, and the price per million
// requests at Workers Paid list prices. See docs/performance.md ("What a request costs") and
// bench/lib/cost.mjs for the method. Not a test: it never fails on a figure.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { tmpdir, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { startUpstreamProcess } from './lib/fake-upstream.mjs';
import { costCombos, costTenants, measureCombo, priceOf, renderCostReport, PRICES } from './lib/cost.mjs';
import {
  WORKER_BUNDLE_OPTIONS,
  compileBenchRegistry,
  gatewayConfigOptions,
  startWorker,
} from './lib/workers.mjs';

const root = fileURLToPath(new URL('../', import.meta.url));

const HELP = `Usage: node bench/cost.mjs [options]     (npm run cost -- [options])

  --combos <ids>     comma-separated subset of the combinations (default all)
  --delay-ms <n>     how long a call is held back to see what waits for it (default 150)
  --tries <n>        probes per held-back call; the smallest shift counts (default 2; --quick: 1)
  --requests <n>     requests averaged over, 10 at a time (default 300; --quick: 100)
  --call-ms <n>      how long every call is held in that run, a round trip to a distant object
                     (default 20)
  --duration <s>     load per combination for CPU-ms per request (default 4; --quick: 2; 0: none)
  --connections <n>  connections of that load (default 10)
  --json <file>      also write the results as JSON there (default bench/results/cost-<time>.json)
  --quick            fewer tries and a shorter load
  --help`;

const { values: args } = parseArgs({
  options: {
    combos: { type: 'string' },
    'delay-ms': { type: 'string' },
    tries: { type: 'string' },
    requests: { type: 'string' },
    'call-ms': { type: 'string' },
    duration: { type: 'string' },
    connections: { type: 'string' },
    json: { type: 'string' },
    quick: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  console.log(HELP);
  process.exit(0);
}
const number = (/** @type {string | undefined} */ value, /** @type {number} */ fallback) => {
  const n = value === undefined ? fallback : Number(value);
  if (!Number.isFinite(n) || n < 0) {
    console.error(`not a number: ${value}\n\n${HELP}`);
    process.exit(2);
  }
  return n;
};
const options = {
  delayMs: number(args['delay-ms'], 150),
  tries: Math.max(1, Math.round(number(args.tries, args.quick ? 1 : 2))),
  warmups: 3,
  requests: Math.max(10, Math.round(number(args.requests, args.quick ? 100 : 300))),
  callMs: number(args['call-ms'], 20),
  durationS: number(args.duration, args.quick ? 2 : 4),
  connections: Math.max(1, Math.round(number(args.connections, 10))),
};
const log = (/** @type {string} */ line) => process.stderr.write(`${line}\n`);

/** @param {string[]} gitArgs */
function git(gitArgs) {
  try {
    return execFileSync('git', gitArgs, { cwd: root, encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
}

/**
 * The bench registry with the cost tenants; the leased one only if this checkout's config schema
 * knows leased mode (the report also runs on older commits, for the figures before).
 * @param {number} port
 */
async function registryFor(port) {
  try {
    const tenants = costTenants(port, { leases: true });
    return { tenants, registry: await compileBenchRegistry(port, tenants.configs) };
  } catch {
    const tenants = costTenants(port, { leases: false });
    return { tenants, registry: await compileBenchRegistry(port, tenants.configs) };
  }
}

/** @param {unknown} registry */
async function bundle(registry) {
  const outdir = await mkdtemp(join(tmpdir(), 'aigw-cost-'));
  await build({
    entryPoints: { cost: join(root, 'bench/workers/cost-entry.ts') },
    outdir,
    outExtension: { '.js': '.mjs' },
    ...WORKER_BUNDLE_OPTIONS,
    define: { __BENCH_REGISTRY__: JSON.stringify(registry) },
    // As in bench/lib/workers.mjs: the real entry's generated registry becomes the bench registry.
    plugins: [
      {
        name: 'bench-registry',
        setup(builder) {
          builder.onResolve({ filter: /\/generated\/registry(\.ts)?$/ }, () => ({
            path: 'bench-registry',
            namespace: 'bench',
          }));
          builder.onLoad({ filter: /.*/, namespace: 'bench' }, () => ({
            contents: 'export const registry = __BENCH_REGISTRY__;',
            loader: 'js',
          }));
        },
      },
    ],
    logLevel: 'warning',
  });
  return { path: join(outdir, 'cost.mjs'), cleanup: () => rm(outdir, { recursive: true, force: true }) };
}

/** @type {(() => Promise<unknown>)[]} */
const cleanups = [];
try {
  const startedAt = new Date();
  const upstream = await startUpstreamProcess();
  cleanups.push(upstream.stop);
  const { tenants, registry } = await registryFor(upstream.port);
  const bundled = await bundle(registry);
  cleanups.push(bundled.cleanup);
  const { runtime, bindings } = gatewayConfigOptions();
  const gateway = await startWorker({
    name: 'gateway',
    scriptPath: bundled.path,
    runtime,
    options: bindings,
  });
  cleanups.push(gateway.dispose);

  const vars = /** @type {Record<string, unknown>} */ (bindings.bindings ?? {});
  const durableObjects = /** @type {Record<string, string | { className: string }>} */ (
    bindings.durableObjects ?? {}
  );
  const classes = Object.fromEntries(
    Object.entries(durableObjects).map(([binding, spec]) => [
      binding,
      typeof spec === 'string' ? spec : spec.className,
    ]),
  );
  const combos = costCombos(tenants.keys, { operatorKey: String(vars['OPERATOR_API_KEY'] ?? '') });
  const wanted = args.combos?.split(',').map((s) => s.trim());
  const selected = wanted ? combos.filter((c) => wanted.includes(c.id)) : combos;
  if (wanted && selected.length !== wanted.length) {
    console.error(`unknown combination(s); known: ${combos.map((c) => c.id).join(', ')}`);
    process.exit(2);
  }

  const results = [];
  for (const combo of selected) {
    log(`measuring ${combo.id}…`);
    results.push(
      await measureCombo(
        gateway,
        combo,
        {
          delayMs: options.delayMs,
          tries: options.tries,
          warmups: options.warmups,
          amortised: { requests: options.requests, concurrency: 10, delayMs: options.callMs },
          load:
            options.durationS > 0 ? { connections: options.connections, durationS: options.durationS } : null,
        },
        log,
      ),
    );
  }
  const commit = git(['rev-parse', '--short', 'HEAD']);
  const dirty = git(['status', '--porcelain', '--', 'apps', 'packages', 'bench']) !== '';
  console.log(
    `\nWhat a request costs (commit ${commit}${dirty ? ' + uncommitted changes' : ''}, ${startedAt.toISOString()}, load average ${loadavg()[0]?.toFixed(2)})\n`,
  );
  console.log(renderCostReport(results, classes));
  const file =
    args.json ?? join(root, 'bench/results', `cost-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(
    file,
    `${JSON.stringify(
      {
        startedAt: startedAt.toISOString(),
        commit,
        uncommittedChanges: dirty,
        options,
        prices: PRICES,
        classes,
        results: results.map((r) => ({ ...r, price: priceOf(r, classes) })),
      },
      null,
      2,
    )}\n`,
  );
  console.log(`\nResults: ${file.startsWith(root) ? file.slice(root.length) : file}`);
} finally {
  for (const step of cleanups.reverse()) await step().catch(() => undefined);
}
