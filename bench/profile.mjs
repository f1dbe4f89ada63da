#!/usr/bin/env node
// Where the gateway's CPU goes under load: a V8 sampling profile of the gateway isolate, taken
// through workerd's inspector while the bench's load generator runs one scenario. Not a
// measurement of speed (the profiler itself slows the isolate); it says which functions to look
// at. Prints the top functions by self time and by inclusive time, and writes the
// `.cpuprofile` (open it in Chrome DevTools) under bench/results/.
//
//   node bench/profile.mjs --scenario openai-stream [--duration 8] [--connections 20] [--top 40]
//   node bench/profile.mjs --scenario chunks/chat-stream   # a target of the chunks suite (the
//                                                          # floor's too: chunks/floor-parse)
import { mkdir, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { createRequire } from 'node:module';
import { startUpstreamProcess } from './lib/fake-upstream.mjs';
import { loadTest } from './lib/load.mjs';
import { CHUNK_TARGETS, REFERENCES } from './lib/chunks.mjs';
import { SCENARIOS } from './lib/scenarios.mjs';
import { bundleWorkers, compileBenchRegistry, gatewayConfigOptions, startWorker } from './lib/workers.mjs';

// `ws` is miniflare's dependency, not the repository's: resolved from miniflare, which is (an npm
// install may not hoist it to the top of node_modules).
const require = createRequire(import.meta.url);
/** @type {typeof import('ws').WebSocket} */
const WebSocket = createRequire(require.resolve('miniflare'))('ws');

const { values } = parseArgs({
  options: {
    scenario: { type: 'string', default: 'openai-stream' },
    duration: { type: 'string', default: '8' },
    connections: { type: 'string', default: '20' },
    top: { type: 'string', default: '40' },
    interval: { type: 'string', default: '100' },
  },
});
// The chunks suite's targets (its long streams) and the floor's modes it compares them with.
const chunkScenarios = [...CHUNK_TARGETS, REFERENCES.parse, REFERENCES.json].map((t) => ({
  id: `chunks/${t.id}`,
  fileId: `chunks-${t.id}`,
  call: t.call,
  worker: t.worker,
}));
const scenario = [
  ...SCENARIOS.map((s) => ({ id: s.id, fileId: s.id, call: s.targets.gateway.call, worker: 'gateway' })),
  ...chunkScenarios,
].find((s) => s.id === values.scenario);
if (!scenario) {
  throw new Error(
    `unknown scenario ${values.scenario}; one of ${[...SCENARIOS, ...chunkScenarios].map((s) => s.id).join(', ')}`,
  );
}

const INSPECTOR_PORT = 9339;
const cleanups = [];
try {
  const upstream = await startUpstreamProcess();
  cleanups.push(upstream.stop);
  const registry = await compileBenchRegistry(upstream.port);
  const bundles = await bundleWorkers(registry);
  cleanups.push(bundles.cleanup);
  const { runtime, bindings } = gatewayConfigOptions();
  const gateway = await startWorker(
    scenario.worker === 'floor'
      ? {
          name: 'floor',
          scriptPath: bundles.floorPath,
          runtime,
          options: {
            bindings: { UPSTREAM_BASE_URL: `http://127.0.0.1:${upstream.port}/v1` },
            inspectorPort: INSPECTOR_PORT,
          },
        }
      : {
          name: 'gateway',
          scriptPath: bundles.gatewayPath,
          runtime,
          options: { ...bindings, inspectorPort: INSPECTOR_PORT },
        },
  );
  cleanups.push(gateway.dispose);

  const { call } = scenario;
  // Warm-up: JIT and connection pools, unprofiled.
  await loadTest({ url: gateway.url, call, connections: 20, durationS: 2, pids: gateway.pids });

  const targets = /** @type {{ id: string, title: string, webSocketDebuggerUrl: string }[]} */ (
    await (await fetch(`http://127.0.0.1:${INSPECTOR_PORT}/json/list`)).json()
  );
  const target = targets.find((t) => t.title.includes(scenario.worker)) ?? targets[0];
  if (!target) throw new Error('no inspector target');
  const ws = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  let nextId = 1;
  /** @type {Map<number, (value: any) => void>} */
  const pending = new Map();
  ws.on('message', (data) => {
    const message = JSON.parse(String(data));
    if (message.id !== undefined) pending.get(message.id)?.(message.result);
  });
  /** @param {string} method @param {object} [params] */
  const send = (method, params = {}) =>
    new Promise((resolve) => {
      const id = nextId++;
      pending.set(id, resolve);
      ws.send(JSON.stringify({ id, method, params }));
    });

  await send('Profiler.enable');
  await send('Profiler.setSamplingInterval', { interval: Number(values.interval) });
  await send('Profiler.start');
  const load = await loadTest({
    url: gateway.url,
    call,
    connections: Number(values.connections),
    durationS: Number(values.duration),
    pids: gateway.pids,
  });
  const { profile } = /** @type {{ profile: any }} */ (await send('Profiler.stop'));
  ws.close();

  const dir = new URL('./results/', import.meta.url);
  await mkdir(dir, { recursive: true });
  const file = new URL(
    `profile-${scenario.fileId}-${new Date().toISOString().replace(/[:.]/g, '-')}.cpuprofile`,
    dir,
  );
  await writeFile(file, JSON.stringify(profile));

  // Self time per node from the samples, then per function (name + location).
  const byId = new Map(profile.nodes.map((/** @type {any} */ n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfCount = new Map();
  for (const id of profile.samples) selfCount.set(id, (selfCount.get(id) ?? 0) + 1);
  const total = profile.samples.length;
  const key = (/** @type {any} */ n) => {
    const f = n.callFrame;
    const file = f.url ? f.url.split('/').at(-1) : '';
    return `${f.functionName || '(anonymous)'} ${file}:${f.lineNumber + 1}`;
  };
  const self = new Map();
  const inclusive = new Map();
  for (const [id, count] of selfCount) {
    const node = byId.get(id);
    self.set(key(node), (self.get(key(node)) ?? 0) + count);
    const seen = new Set();
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const k = key(byId.get(cur));
      if (seen.has(k)) continue;
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + count);
    }
  }
  const top = Number(values.top);
  const pct = (/** @type {number} */ n) => `${((100 * n) / total).toFixed(1).padStart(5)}%`;
  console.log(
    `${scenario.id}: ${load.requests} requests, ${load.rps.toFixed(0)} req/s, ${load.cpuMsPerRequest.toFixed(3)} CPU-ms/req (profiler on); ${total} samples`,
  );
  console.log('\nself time');
  for (const [k, n] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(n)}  ${k}`);
  console.log('\ninclusive time');
  for (const [k, n] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(`${pct(n)}  ${k}`);
  console.log(`\nprofile: ${file.pathname}`);
} finally {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
}
