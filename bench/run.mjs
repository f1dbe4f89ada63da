// `npm run bench`: the gateway against a bare pass-through Worker, both in workerd through the
// Miniflare API, both in front of the same fast fake OpenAI-compatible upstream, in one run
// (suite `core`); then what the gateway adds per chunk of a long re-framed stream and per JSON
// answer against the floor of bench/floor.mjs (suite `chunks`), what rate limits, budgets and
// sessions cost (suite `limits`), the retrieval figures (suite `rag`), runtime keys against config
// keys (suite `keys`), output redaction (suite `guardrails`) and a response-cache hit against an
// uncached answer (suite `cache`), on the same gateway process.
// Prints tables and writes bench/results/<timestamp>.json. Not a test: it never fails on a
// missed target. See docs/performance.md for what each figure means.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { cpuSupported } from './lib/cpu.mjs';
import { loadTest, responseTimings } from './lib/load.mjs';
import { startUpstreamProcess } from './lib/fake-upstream.mjs';
import { renderCacheReport, runCacheSuite } from './lib/cache.mjs';
import { renderGuardrailsReport, runGuardrailsSuite } from './lib/guardrails.mjs';
import { renderLimitsReport, runLimitsSuite } from './lib/limits.mjs';
import { prepareBaseline } from './lib/baseline.mjs';
import { runRagSuite } from './lib/rag.mjs';
import { renderRagReport } from './lib/rag-report.mjs';
import { renderKeysReport, runKeysSuite } from './lib/keys.mjs';
import { CHUNK_TARGETS, chunkChecks, renderChunkReport, runChunkSuite } from './lib/chunks.mjs';
import { checkTargets, fmt, medianOf, ratios, renderReport } from './lib/report.mjs';
import { SCENARIOS, probe } from './lib/scenarios.mjs';
import { suiteTenants } from './lib/tenants.mjs';
import {
  benchTenantConfig,
  bundleWorkers,
  compileBenchRegistry,
  gatewayConfigOptions,
  startWorker,
} from './lib/workers.mjs';

const root = fileURLToPath(new URL('../', import.meta.url));
const SUITES = ['core', 'chunks', 'limits', 'rag', 'keys', 'guardrails', 'cache'];

const HELP = `Usage: node bench/run.mjs [options]

  --duration <s>         load time per scenario and Worker (default 10; --quick: 3)
  --connections <n>      concurrent connections of the load generator (default 20)
  --warmup <s>           unmeasured load before each measurement (default 2; --quick: 1)
  --timed-requests <n>   requests timed one by one with no load (time to first byte, first
                         text, full answer): half sequential, half 10 at a time
                         (default 200; --quick: 40)
  --rounds <n>           repeat every measurement, alternating which Worker goes first, and
                         report medians (default 1)
  --max-other-load <f>   repeat a measurement during which other processes used more than this
                         share of the machine (default 0.15, i.e. 15%)
  --attempts <n>         at most this many tries per measurement; the least disturbed is kept
                         (default 3)
  --scenarios <ids>      comma-separated subset of: ${SCENARIOS.map((s) => s.id).join(', ')}
                         (suite core)
  --suites <ids>         comma-separated subset of: ${SUITES.join(', ')} (default all).
                         core: the gateway against a bare Worker; chunks: added CPU per
                         chunk of a long (500-delta) re-framed stream against the floor's
                         parse mode, /v1 JSON against json-parse-log, each loaded at the
                         same time as its reference (at least 2 rounds);
                         limits: chat with rate
                         limits, budget and sessions on versus off, limiter decisions per
                         second; rag: local index query latency, ingestion, /search cold
                         versus cached; keys: a runtime key against a config key (cached,
                         uncached) and the revocation bound in effect; guardrails: a streamed chat with
                         output redaction on versus off (CPU per chunk, time to first text);
                         cache: a response-cache hit against a refresh and a skip (CPU, latency)
  --rag-baseline <ref>   also build the gateway of this commit and measure its ingestion and
                         /search first, in the same run (suite rag), e.g. the branch point
  --rag-no-index         suite rag without the local index's own latency table (ingestion and
                         /search only)
  --chunk-targets <ids>  comma-separated subset of: ${CHUNK_TARGETS.map((t) => t.id).join(', ')}
                         (suite chunks)
  --quick                a ~3 s smoke run per measurement
  --help`;

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string' },
    connections: { type: 'string' },
    warmup: { type: 'string' },
    'timed-requests': { type: 'string' },
    rounds: { type: 'string' },
    'max-other-load': { type: 'string' },
    attempts: { type: 'string' },
    scenarios: { type: 'string' },
    suites: { type: 'string' },
    'rag-baseline': { type: 'string' },
    'rag-no-index': { type: 'boolean', default: false },
    'chunk-targets': { type: 'string' },
    quick: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  console.log(HELP);
  process.exit(0);
}

/** @param {string | undefined} value @param {number} fallback @param {string} name */
function positive(value, fallback, name) {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) {
    console.error(`--${name} must be a positive number; got "${value}"\n\n${HELP}`);
    process.exit(2);
  }
  return number;
}

const options = {
  durationS: positive(args.duration, args.quick ? 3 : 10, 'duration'),
  connections: Math.round(positive(args.connections, 20, 'connections')),
  warmupS: positive(args.warmup, args.quick ? 1 : 2, 'warmup'),
  timedRequests: Math.round(positive(args['timed-requests'], args.quick ? 40 : 200, 'timed-requests')),
  timedConcurrency: 10,
  rounds: Math.round(positive(args.rounds, 1, 'rounds')),
  maxOtherLoad: positive(args['max-other-load'], 0.15, 'max-other-load'),
  attempts: Math.round(positive(args.attempts, 3, 'attempts')),
  quick: args.quick,
};
const selected = args.scenarios?.split(',').map((id) => id.trim()) ?? SCENARIOS.map((s) => s.id);
const unknown = selected.filter((id) => !SCENARIOS.some((s) => s.id === id));
if (unknown.length > 0) {
  console.error(`unknown scenario(s): ${unknown.join(', ')}\n\n${HELP}`);
  process.exit(2);
}
const scenarios = SCENARIOS.filter((s) => selected.includes(s.id));
const suites = args.suites?.split(',').map((id) => id.trim()) ?? SUITES;
const unknownSuites = suites.filter((id) => !SUITES.includes(id));
if (unknownSuites.length > 0 || suites.length === 0) {
  console.error(`unknown suite(s): ${unknownSuites.join(', ')}\n\n${HELP}`);
  process.exit(2);
}
const chunkTargets = args['chunk-targets']?.split(',').map((id) => id.trim());
const unknownChunkTargets = (chunkTargets ?? []).filter((id) => !CHUNK_TARGETS.some((t) => t.id === id));
if (unknownChunkTargets.length > 0) {
  console.error(`unknown chunk target(s): ${unknownChunkTargets.join(', ')}\n\n${HELP}`);
  process.exit(2);
}

const log = (/** @type {string} */ line) => process.stderr.write(`${line}\n`);

/** @param {string} file */
function versionOf(file) {
  try {
    return /** @type {{ version: string }} */ (JSON.parse(readFileSync(join(root, file), 'utf8'))).version;
  } catch {
    return 'unknown';
  }
}

/** @param {string[]} gitArgs */
function git(gitArgs) {
  try {
    return execFileSync('git', gitArgs, { cwd: root, encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
}

/** @type {(() => Promise<unknown>)[]} */
const cleanups = [];
async function cleanup() {
  for (const step of cleanups.splice(0).reverse()) await step().catch(() => undefined);
}
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
  process.once(signal, () => void cleanup().finally(() => process.exit(130)));
}

try {
  if (!cpuSupported) log('note: /proc is not readable here, so CPU-ms per request is not measured');
  const startedAt = new Date();
  const loadAvgAtStart = loadavg()[0] ?? NaN;
  if (loadAvgAtStart > 0.5) {
    log(
      `note: 1-minute load average is ${fmt(loadAvgAtStart, 2)}; other work on the machine skews the figures`,
    );
  }
  // Read before bundling: the figures describe the code as it was then, uncommitted changes included.
  const source = {
    gitCommit: git(['rev-parse', '--short', 'HEAD']),
    uncommittedChanges: git(['status', '--porcelain', '--', 'apps', 'packages']) !== '',
  };
  const upstream = await startUpstreamProcess();
  cleanups.push(upstream.stop);
  const upstreamBase = `http://127.0.0.1:${upstream.port}/v1`;

  const tenants = suiteTenants(upstream.port);
  const registry = await compileBenchRegistry(upstream.port, tenants.configs);
  const bundles = await bundleWorkers(registry);
  cleanups.push(bundles.cleanup);
  const { runtime, bindings: gatewayBindings } = gatewayConfigOptions();

  const bare = await startWorker({
    name: 'bare',
    scriptPath: bundles.barePath,
    runtime,
    options: { bindings: { UPSTREAM_BASE_URL: upstreamBase } },
  });
  cleanups.push(bare.dispose);
  const gateway = await startWorker({
    name: 'gateway',
    scriptPath: bundles.gatewayPath,
    runtime,
    options: gatewayBindings,
  });
  cleanups.push(gateway.dispose);
  const workers = { bare, gateway };
  // The floor of bench/floor.mjs, for the chunks suite's ratios.
  const floor = suites.includes('chunks')
    ? await startWorker({
        name: 'floor',
        scriptPath: bundles.floorPath,
        runtime,
        options: { bindings: { UPSTREAM_BASE_URL: upstreamBase } },
      })
    : undefined;
  if (floor) cleanups.push(floor.dispose);
  // The local vector index on its own, for the rag suite's index figures.
  const ragIndex = suites.includes('rag')
    ? await startWorker({
        name: 'rag-index',
        scriptPath: bundles.ragIndexPath,
        runtime,
        options: { durableObjects: { VECTOR_INDEX: { className: 'VectorIndexDO', useSQLite: true } } },
      })
    : undefined;
  if (ragIndex) cleanups.push(ragIndex.dispose);
  // The gateway of another commit, for the rag suite's before/after figures.
  let ragBaseline;
  if (ragIndex && args['rag-baseline'] !== undefined) {
    const checkout = prepareBaseline(args['rag-baseline']);
    cleanups.push(async () => checkout.cleanup());
    const baselineBundles = await bundleWorkers(
      await checkout.compileRegistry(
        [benchTenantConfig(upstream.port), ...tenants.configs].map((data) => ({
          file: `tenants/${data.id}/tenant.config.json`,
          data,
        })),
      ),
      { root: checkout.root },
    );
    cleanups.push(baselineBundles.cleanup);
    const baselineConfig = gatewayConfigOptions(`${checkout.root}/apps/gateway/wrangler.jsonc`);
    const worker = await startWorker({
      name: `gateway-${checkout.commit}`,
      scriptPath: baselineBundles.gatewayPath,
      runtime: baselineConfig.runtime,
      options: baselineConfig.bindings,
    });
    cleanups.push(worker.dispose);
    ragBaseline = { ...worker, commit: checkout.commit };
    log(
      `baseline Worker ${worker.url} (the gateway at ${checkout.commit}, workerd pid ${worker.pids.join(', ')})`,
    );
  }

  // Binding kinds with at least one binding (wrangler also lists empty groups such as `email`).
  const declared = Object.entries(gatewayBindings)
    .filter(([, value]) => value !== null && typeof value === 'object' && !Array.isArray(value))
    .map(([kind, value]) => {
      const names = Object.entries(/** @type {Record<string, unknown>} */ (value))
        .filter(([, entry]) => !(Array.isArray(entry) && entry.length === 0))
        .map(([bindingName]) => bindingName);
      return `${kind}: ${names.join(', ')}`;
    })
    .filter((line) => !line.endsWith(': '));
  log(`fake upstream   ${upstreamBase} (pid ${upstream.pid})`);
  log(`bare Worker     ${bare.url} (workerd pid ${bare.pids.join(', ')})`);
  log(`gateway Worker  ${gateway.url} (workerd pid ${gateway.pids.join(', ')}; ${declared.join('; ')})`);
  if (floor) log(`floor Worker    ${floor.url} (workerd pid ${floor.pids.join(', ')})`);
  if (ragIndex) log(`index Worker    ${ragIndex.url} (workerd pid ${ragIndex.pids.join(', ')})`);
  log(`suites          ${suites.join(', ')}`);
  log(
    `load            ${options.durationS} s after ${options.warmupS} s warm-up, ${options.connections} connections, ` +
      `${options.rounds} round(s); ${options.timedRequests} timed requests`,
  );

  /** @type {import('./lib/report.mjs').ScenarioResult[]} */
  const results = [];
  /** @type {Record<string, unknown>} */
  const rawRuns = {};
  for (const scenario of suites.includes('core') ? scenarios : []) {
    /** @type {import('./lib/report.mjs').ScenarioResult} */
    const result = {
      id: scenario.id,
      title: scenario.title,
      stream: scenario.stream,
      informational: scenario.informational === true,
      ...(scenario.twin !== undefined ? { twin: scenario.twin } : {}),
    };
    results.push(result);

    const chat = scenario.informational !== true;
    const probes = {
      bare: await probe(bare.url, scenario.targets.bare, chat),
      gateway: await probe(gateway.url, scenario.targets.gateway, chat),
    };
    const failed = Object.entries(probes).find(([, p]) => !p.ok);
    if (failed) {
      const [name, p] = failed;
      result.skipped = p.ok
        ? ''
        : p.missing
          ? `${name}: route not in this build`
          : `${name} failed its probe`;
      log(`\n${scenario.id}: skipped, ${p.ok ? '' : p.reason}`);
      log(
        `last log lines of the ${name} Worker:\n${workers[/** @type {'bare' | 'gateway'} */ (name)].logTail()}\n`,
      );
      continue;
    }

    /** @type {Record<'bare' | 'gateway', import('./lib/report.mjs').TargetResult[]>} */
    const runs = { bare: [], gateway: [] };
    for (let round = 0; round < options.rounds; round++) {
      /** @type {('bare' | 'gateway')[]} */
      const order = round % 2 === 0 ? ['bare', 'gateway'] : ['gateway', 'bare'];
      for (const name of order) {
        const worker = workers[name];
        const target = scenario.targets[name];
        const base = {
          url: worker.url,
          call: target.call,
          connections: options.connections,
          pids: worker.pids,
          upstreamPid: upstream.pid,
        };
        await loadTest({ ...base, durationS: options.warmupS });
        // A measurement during which other processes took a large share of the machine is
        // repeated (a few times at most); the least disturbed attempt is kept.
        /** @type {{ load: Awaited<ReturnType<typeof loadTest>>, calls: number } | undefined} */
        let best;
        for (let attempt = 1; attempt <= options.attempts; attempt++) {
          const before = await upstream.stats();
          const attemptLoad = await loadTest({ ...base, durationS: options.durationS });
          const after = await upstream.stats();
          if (!best || attemptLoad.otherLoadShare < best.load.otherLoadShare) {
            best = { load: attemptLoad, calls: after.requests - before.requests };
          }
          if (attemptLoad.otherLoadShare <= options.maxOtherLoad) break;
          if (attempt < options.attempts) {
            log(
              `${scenario.id.padEnd(14)} ${name.padEnd(8)} other processes used ` +
                `${fmt(attemptLoad.otherLoadShare * 100, 0)}% of the machine; measuring again`,
            );
          }
        }
        if (!best) throw new Error('no measurement');
        const load = best.load;
        const half = Math.ceil(options.timedRequests / 2);
        const timings = await responseTimings({
          url: worker.url,
          call: target.call,
          sequential: half,
          concurrent: options.timedRequests - half,
          concurrency: options.timedConcurrency,
          isContent: target.isContent,
        });
        /** @type {import('./lib/report.mjs').TargetResult} */
        const run = { load, timings };
        if (chat) run.upstreamCallsPerRequest = best.calls / Math.max(1, load.requests);
        runs[name].push(run);
        log(
          `${scenario.id.padEnd(14)} ${name.padEnd(8)} round ${round + 1}/${options.rounds}: ` +
            `${fmt(load.rps, 0)} req/s, p50 ${fmt(load.latencyMs.p50, 2)} ms, ` +
            `${fmt(load.cpuMsPerRequest, 3)} CPU-ms/req (upstream ${fmt(load.upstreamCpuMsPerRequest, 3)}, ` +
            `load generator ${fmt(load.loadGeneratorCpuMsPerRequest, 3)}), ${load.non2xx + load.errors} failed, ` +
            `other load ${fmt(load.otherLoadShare * 100, 0)}%` +
            `, c=1 full p50 ${fmt(timings.sequential.totalMs.p50, 2)} ms` +
            (scenario.stream
              ? `, c=1 first text p50 ${fmt(timings.sequential.firstContentMs.p50, 2)} ms`
              : ''),
        );
      }
    }
    rawRuns[scenario.id] = runs;
    result.bare = medianOf(runs.bare);
    result.gateway = medianOf(runs.gateway);
    result.ratios = ratios(result.bare, result.gateway);
  }

  const checks = checkTargets(results);
  if (suites.includes('core')) console.log(`\n${renderReport(results, checks)}\n`);

  /** @type {Record<string, unknown>} */
  const suiteResults = {};
  if (suites.includes('chunks') && floor) {
    const chunks = await runChunkSuite({
      workers: { bare, floor, gateway },
      upstreamPid: upstream.pid,
      options,
      log,
      only: chunkTargets,
    });
    suiteResults['chunks'] = chunks;
    checks.push(...chunkChecks(chunks));
    console.log(`\nCost of a chunk (issue 15)\n\n${renderChunkReport(chunks)}\n`);
  }
  if (suites.includes('limits')) {
    const limits = await runLimitsSuite({
      gateway,
      upstream,
      keys: tenants.keys,
      options,
      log,
    });
    suiteResults['limits'] = limits;
    console.log(`\nSessions and limits\n\n${renderLimitsReport(limits)}\n`);
  }
  if (suites.includes('guardrails')) {
    const guardrails = await runGuardrailsSuite({ gateway, upstream, key: tenants.keys.guard, options, log });
    suiteResults['guardrails'] = guardrails;
    console.log(`\nGuardrails (output redaction)\n\n${renderGuardrailsReport(guardrails)}\n`);
  }
  if (suites.includes('cache')) {
    const cache = await runCacheSuite({ gateway, upstream, key: tenants.keys.cache, options, log });
    suiteResults['cache'] = cache;
    console.log(`\nResponse cache (a hit against an uncached answer)\n\n${renderCacheReport(cache)}\n`);
  }
  if (suites.includes('rag') && ragIndex) {
    const rag = await runRagSuite({
      gateway,
      ...(ragBaseline ? { baseline: ragBaseline } : {}),
      ragIndex,
      indexLatency: !args['rag-no-index'],
      key: tenants.keys.rag,
      quick: options.quick,
      log,
    });
    suiteResults['rag'] = rag;
    console.log(`\nRetrieval\n\n${renderRagReport(rag)}\n`);
  }

  if (suites.includes('keys')) {
    const vars = /** @type {Record<string, unknown>} */ (gatewayBindings.bindings ?? {});
    const keys = await runKeysSuite({
      gateway,
      upstream,
      operatorKey: String(vars['OPERATOR_API_KEY'] ?? ''),
      ttlMs: Number(vars['CONTROL_PLANE_CACHE_TTL_MS'] ?? 5000),
      options,
      log,
    });
    suiteResults['keys'] = keys;
    console.log(`\n${renderKeysReport(keys)}\n`);
  }

  const report = {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    command: `node bench/run.mjs ${process.argv.slice(2).join(' ')}`.trim(),
    options: { ...options, suites },
    environment: {
      node: process.version,
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      // Other work on the machine skews every figure; the 1-minute load average before the run
      // (ideally near 0) shows whether the run had the machine to itself.
      loadAverageAtStart: loadAvgAtStart,
      miniflare: versionOf('node_modules/miniflare/package.json'),
      workerd: versionOf('node_modules/workerd/package.json'),
      ...runtime,
      ...source,
      bundleBytes: bundles.sizes,
      gatewayBindings: declared,
    },
    method:
      'Miniflare API, one workerd process per Worker; autocannon for load; CPU-ms per request = ' +
      'utime+stime of the workerd process (from /proc/<pid>/stat) over the measured window / requests completed',
    scenarios: results,
    targets: checks,
    runs: rawRuns,
    suites: suiteResults,
    gatewayLogLines: gateway.logLines(),
  };
  const resultsDir = join(root, 'bench/results');
  await mkdir(resultsDir, { recursive: true });
  const file = join(resultsDir, `${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`Results: ${file.slice(root.length)}`);
} finally {
  await cleanup();
}
