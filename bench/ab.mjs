#!/usr/bin/env node
// A/B: two builds of the gateway under the same load, in turns, in one run. For changes too small
// to see across separate `npm run bench` runs (this machine drifts by more than they save): each
// round loads A then B (or B then A, alternating) for a few seconds, and the medians of CPU-ms per
// request and req/s are compared. Not part of `npm run bench`: a tool for deciding a change.
//
//   node bench/ab.mjs --save before        # bundle the working tree as build "before"
//   ... change the code ...
//   node bench/ab.mjs --save after
//   node bench/ab.mjs before after --scenario openai-json [--rounds 6] [--duration 4]
//   node bench/ab.mjs before after --scenario chunks/chat-stream   # a long stream of the chunks
//                                     # suite, as closed batches of --requests (default 24)
//   node bench/ab.mjs before after --together ...  # both builds loaded at the same time in every
//                                     # round: on a machine others are using, both then see the same
//                                     # disturbance, and the per-round ratio B / A is steadier
//
// Builds are kept under bench/results/ (git-ignored) as ab-<name>.mjs, with the fake upstream's
// address left as a placeholder that is filled in when they run.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { startUpstreamProcess } from './lib/fake-upstream.mjs';
import { loadTest, summarize } from './lib/load.mjs';
import { CHUNK_TARGETS } from './lib/chunks.mjs';
import { SCENARIOS } from './lib/scenarios.mjs';
import {
  BENCH_API_KEY,
  bundleWorkers,
  compileBenchRegistry,
  gatewayConfigOptions,
  keyHash,
  startWorker,
} from './lib/workers.mjs';

/** The port compiled into a saved build, replaced by the upstream's real one at run time. */
const PLACEHOLDER_PORT = 65021;
/** Stands for the bench key's hash in a saved build (the key is made afresh by every process). */
const PLACEHOLDER_HASH = '0'.repeat(64);
const dir = new URL('./results/', import.meta.url);
const buildPath = (/** @type {string} */ name) => new URL(`ab-${name}.mjs`, dir).pathname;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    save: { type: 'string' },
    scenario: { type: 'string', default: 'openai-json' },
    rounds: { type: 'string', default: '6' },
    duration: { type: 'string', default: '4' },
    connections: { type: 'string' },
    requests: { type: 'string', default: '24' },
    together: { type: 'boolean', default: false },
  },
});

if (values.save !== undefined) {
  await mkdir(dir, { recursive: true });
  const bundles = await bundleWorkers(await compileBenchRegistry(PLACEHOLDER_PORT));
  const source = await readFile(bundles.gatewayPath, 'utf8');
  await writeFile(buildPath(values.save), source.replaceAll(keyHash(BENCH_API_KEY), PLACEHOLDER_HASH));
  await bundles.cleanup();
  console.log(`saved ${buildPath(values.save)}`);
  process.exit(0);
}

const [nameA, nameB] = positionals;
if (nameA === undefined || nameB === undefined)
  throw new Error('usage: node bench/ab.mjs <build A> <build B>');
// A core scenario, or a gateway target of the chunks suite (`chunks/<id>`): a long stream, measured
// as closed batches over 4 connections as that suite does (bench/lib/chunks.mjs).
const chunkTarget = CHUNK_TARGETS.find((t) => t.worker === 'gateway' && `chunks/${t.id}` === values.scenario);
const coreScenario = SCENARIOS.find((s) => s.id === values.scenario);
const scenario = coreScenario
  ? { id: coreScenario.id, call: coreScenario.targets.gateway.call, batch: undefined }
  : chunkTarget && {
      id: values.scenario ?? '',
      call: chunkTarget.call,
      batch: chunkTarget.kind === 'json' ? undefined : Number(values.requests),
    };
if (!scenario) throw new Error(`unknown scenario ${values.scenario}`);

const cleanups = [];
try {
  const upstream = await startUpstreamProcess();
  cleanups.push(upstream.stop);
  const { runtime, bindings } = gatewayConfigOptions();
  /** @type {{ name: string, url: string, pids: number[], cpu: number[], rps: number[] }[]} */
  const builds = [];
  for (const name of [nameA, nameB]) {
    const source = await readFile(buildPath(name), 'utf8');
    const scriptPath = buildPath(`${name}-run`);
    await writeFile(
      scriptPath,
      source
        .replaceAll(`127.0.0.1:${PLACEHOLDER_PORT}`, `127.0.0.1:${upstream.port}`)
        .replaceAll(PLACEHOLDER_HASH, keyHash(BENCH_API_KEY)),
    );
    const worker = await startWorker({ name: `gateway-${name}`, scriptPath, runtime, options: bindings });
    cleanups.push(worker.dispose);
    builds.push({ name, url: worker.url, pids: worker.pids, cpu: [], rps: [] });
  }
  const { call, batch } = scenario;
  const connections = Number(values.connections ?? (batch === undefined ? 20 : 4));
  for (const build of builds) {
    await loadTest({
      url: build.url,
      call,
      connections,
      durationS: 2,
      pids: build.pids,
      ...(batch === undefined ? {} : { amount: Math.max(4, Math.round(batch / 3)) }),
    });
  }
  const rounds = Number(values.rounds);
  /** @type {number[]} */
  const roundRatios = [];
  /** @param {(typeof builds)[number]} build */
  const measure = async (build) => {
    const load = await loadTest({
      url: build.url,
      call,
      connections,
      durationS: Number(values.duration),
      pids: build.pids,
      ...(batch === undefined ? {} : { amount: batch }),
    });
    if (load.non2xx > 0)
      throw new Error(`${build.name}: ${load.non2xx} non-2xx responses ${JSON.stringify(load.statuses)}`);
    build.cpu.push(load.cpuMsPerRequest);
    build.rps.push(load.rps);
  };
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? builds : [...builds].reverse();
    if (values.together) await Promise.all(order.map(measure));
    else for (const build of order) await measure(build);
    const [a, b] = builds;
    if (a && b) roundRatios.push(/** @type {number} */ (b.cpu.at(-1)) / /** @type {number} */ (a.cpu.at(-1)));
    process.stdout.write('.');
  }
  console.log(
    `\n${scenario.id}: ${rounds} rounds of ${batch === undefined ? `${values.duration} s` : `${batch} requests`}, ${connections} connections` +
      (values.together ? ', both builds at once' : ''),
  );
  const [a, b] = builds.map((build) => ({
    ...build,
    cpuMedian: /** @type {number} */ (summarize(build.cpu).p50),
    rpsMedian: /** @type {number} */ (summarize(build.rps).p50),
  }));
  if (!a || !b) throw new Error('two builds expected');
  for (const build of [a, b]) {
    console.log(
      `${build.name.padEnd(16)} CPU-ms/req ${build.cpuMedian.toFixed(3)} (${build.cpu.map((v) => v.toFixed(3)).join(' ')})` +
        `  req/s ${build.rpsMedian.toFixed(0)}`,
    );
  }
  console.log(
    `${b.name} / ${a.name}: CPU ${(b.cpuMedian / a.cpuMedian).toFixed(3)}x, req/s ${(b.rpsMedian / a.rpsMedian).toFixed(3)}x; ` +
      `median of the per-round CPU ratios ${/** @type {number} */ (summarize(roundRatios).p50).toFixed(3)}x ` +
      `(${roundRatios.map((r) => r.toFixed(2)).join(' ')})`,
  );
} finally {
  for (const cleanup of cleanups.reverse()) await cleanup();
}
