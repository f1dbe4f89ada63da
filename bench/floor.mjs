#!/usr/bin/env node
// The floor under any gateway in workerd: what a Worker costs that moves a streamed answer
// through JavaScript in different ways (bench/workers/floor.ts), against the runtime's own pipe,
// in one workerd process, against the same fake upstream as `npm run bench`. It shows which part
// of the gateway's cost over the bare Worker no gateway code can remove (docs/performance.md).
//
//   node bench/floor.mjs [--duration 5] [--rounds 2] [--modes native,relay,...]
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startUpstreamProcess } from './lib/fake-upstream.mjs';
import { loadTest } from './lib/load.mjs';
import { WORKER_BUNDLE_OPTIONS, gatewayConfigOptions, startWorker } from './lib/workers.mjs';

const MODES = {
  native: 'stream: the upstream response returned as is (the runtime pipes it)',
  'tee-audit': 'stream: tee, one branch to the client, one read whole at the end',
  relay: "stream: relay with its audit copy piped into a second stream (the gateway's first version)",
  'relay-lite':
    "stream: the gateway's relayBody itself: 2 chunks read in JS, rest tee'd, client copy piped, audit read whole",
  writer: 'stream: each chunk read in JS and written to a native IdentityTransformStream',
  pump: 'stream: each chunk read in JS and enqueued in a JS ReadableStream (pull)',
  parse: 'stream: pump + SSE parse + JSON.parse/stringify of every event',
  transform: 'stream: pipeThrough a JS TransformStream that passes chunks on',
  'native-json': 'JSON: the upstream response returned as is',
  'json-parse': 'JSON: request and answer parsed and rebuilt in JS',
  'json-parse-log': 'JSON: json-parse + one console.log line',
};

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '2' },
    connections: { type: 'string', default: '20' },
    modes: { type: 'string', default: Object.keys(MODES).join(',') },
  },
});
const modes = values.modes.split(',');
for (const mode of modes) if (!(mode in MODES)) throw new Error(`unknown mode ${mode}`);

const MESSAGES = [
  { role: 'system', content: 'You are a terse assistant.' },
  { role: 'user', content: 'Name twenty words.' },
];
const streamBody = JSON.stringify({
  model: 'm',
  messages: MESSAGES,
  stream: true,
  stream_options: { include_usage: true },
});
const jsonBody = JSON.stringify({ model: 'm', messages: MESSAGES, stream: false });

const outdir = await mkdtemp(join(tmpdir(), 'aigw-floor-'));
const upstream = await startUpstreamProcess();
try {
  const script = join(outdir, 'floor.mjs');
  await build({
    entryPoints: [fileURLToPath(new URL('./workers/floor.ts', import.meta.url))],
    outfile: script,
    ...WORKER_BUNDLE_OPTIONS,
    logLevel: 'warning',
  });
  const { runtime } = gatewayConfigOptions();
  const worker = await startWorker({
    name: 'floor',
    scriptPath: script,
    runtime,
    options: { bindings: { UPSTREAM_BASE_URL: `http://127.0.0.1:${upstream.port}/v1` } },
  });
  try {
    /** @type {Record<string, number[]>} */
    const cpu = {};
    for (let round = 1; round <= Number(values.rounds); round++) {
      for (const mode of modes) {
        const json = mode.includes('json');
        const call = {
          method: 'POST',
          path: `/?mode=${mode === 'native-json' ? 'native' : mode}`,
          headers: { 'content-type': 'application/json' },
          body: json ? jsonBody : streamBody,
        };
        await loadTest({ url: worker.url, call, connections: 20, durationS: 1, pids: worker.pids });
        const result = await loadTest({
          url: worker.url,
          call,
          connections: Number(values.connections),
          durationS: Number(values.duration),
          pids: worker.pids,
        });
        if (result.non2xx > 0) throw new Error(`${mode}: ${result.non2xx} failed responses`);
        (cpu[mode] ??= []).push(result.cpuMsPerRequest);
        console.log(
          `round ${round}  ${mode.padEnd(15)} ${result.rps.toFixed(0).padStart(6)} req/s  ${result.cpuMsPerRequest.toFixed(3)} CPU-ms/req`,
        );
      }
    }
    const median = (/** @type {number[]} */ xs) =>
      [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
    const base = { stream: median(cpu.native ?? []), json: median(cpu['native-json'] ?? []) };
    console.log('\nmode             CPU-ms/req (median)  vs native  what');
    for (const mode of modes) {
      const m = median(cpu[mode] ?? []);
      const ref = mode.includes('json') ? base.json : base.stream;
      console.log(
        `${mode.padEnd(16)} ${m.toFixed(3).padStart(19)}  ${Number.isNaN(ref) ? '     -' : `${(m / ref).toFixed(2)}x`.padStart(9)}  ${MODES[/** @type {keyof typeof MODES} */ (mode)]}`,
      );
    }
  } finally {
    await worker.dispose();
  }
} finally {
  await upstream.stop();
  await rm(outdir, { recursive: true, force: true });
}
