// The `guardrails` suite (issue 18): what output redaction costs a streamed answer, on the
// gateway bundle and workerd process of the core suite, in the same run. A streamed `POST /chat`
// (never relayed, so both sides frame the same events) for the `bench` tenant (no policy) against
// `bench-guard` (every built-in span detector redacting output on chat). The fake upstream's
// answer holds nothing to redact: the figure is the scan every chunk pays, not the rare match.
//
// - CPU per chunk: (CPU-ms per request with redaction − without) / deltas per answer.
// - Time to first text: one request at a time, no load, to the first `delta` event. With
//   redaction the first text waits until the answer is longer than the stream window (64
//   characters), so against this fast upstream the figure is the guard's own cost; against a real
//   model add the time it takes to produce those characters.
import { setTimeout as sleep } from 'node:timers/promises';
import { answerWords } from './fake-upstream.mjs';
import { leastDisturbedLoad, responseTimings, send } from './load.mjs';
import { fmt, medianOf, table } from './report.mjs';
import { nativeStreamAnswer } from './scenarios.mjs';
import { BENCH_API_KEY } from './workers.mjs';

/** The output rules of `bench-guard`: every built-in span detector, redacting. */
export const GUARD_RULES = ['email', 'phone', 'card', 'iban', 'ssn', 'ip', 'credential'].map((detector) => ({
  id: `redact-${detector}`,
  detector,
  on: 'output',
  action: 'redact',
  surfaces: ['chat'],
}));

/**
 * A long answer (the fake upstream streams `maxTokens` words when asked for more than twenty): the
 * hold-back window is a small part of it, as it is of a real answer. With the usual twenty words
 * (about 130 characters) half the answer would sit in the window and go out in one frame, which
 * saves frames and flatters the guard.
 */
const ANSWER_DELTAS = 400;
const EXPECTED = answerWords(ANSWER_DELTAS).join(' ');
const BODY = JSON.stringify({ message: 'Name many words.', stream: true, maxTokens: ANSWER_DELTAS });
/** @param {string} key */
const chatCall = (key) => ({
  method: 'POST',
  path: '/chat',
  headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
  body: BODY,
});
/** @param {{ event: string }} event */
const isDelta = (event) => event.event === 'delta';

/**
 * @typedef {Awaited<ReturnType<typeof import('./load.mjs').loadTest>>} LoadResult
 * @typedef {Awaited<ReturnType<typeof responseTimings>>} Timings
 * @param {{ gateway: { url: string, pids: number[] }, upstream: { pid: number }, key: string, options: { durationS: number, warmupS: number, connections: number, attempts: number, maxOtherLoad: number, rounds: number, timedRequests: number }, log: (line: string) => void }} spec
 */
export async function runGuardrailsSuite({ gateway, upstream, key, options, log }) {
  const targets = {
    off: { label: 'off: bench, no policy', call: chatCall(BENCH_API_KEY) },
    on: { label: `on: bench-guard, ${GUARD_RULES.length} output redaction rules`, call: chatCall(key) },
  };
  for (const [mode, target] of Object.entries(targets)) {
    const { status, type, body } = await send(gateway.url, target.call);
    if (nativeStreamAnswer(status, type, body) !== EXPECTED) {
      const reason = `${mode}: ${status} ${body.slice(0, 300)}`;
      log(`guardrails: skipped, ${reason}`);
      return { skipped: reason };
    }
  }
  /** @type {Record<'off' | 'on', { load: LoadResult, timings: Timings }[]>} */
  const runs = { off: [], on: [] };
  for (let round = 0; round < options.rounds; round++) {
    /** @type {('off' | 'on')[]} */
    const order = round % 2 === 0 ? ['off', 'on'] : ['on', 'off'];
    for (const mode of order) {
      const { call } = targets[mode];
      const base = {
        url: gateway.url,
        call,
        connections: options.connections,
        pids: gateway.pids,
        upstreamPid: upstream.pid,
      };
      const best = await leastDisturbedLoad(base, options);
      await sleep(250);
      const timings = await responseTimings({
        url: gateway.url,
        call,
        sequential: Math.max(1, Math.ceil(options.timedRequests / 2)),
        concurrent: 0,
        concurrency: 1,
        isContent: isDelta,
      });
      runs[mode].push({ load: best, timings });
      log(
        `guardrails ${mode.padEnd(3)} round ${round + 1}/${options.rounds}: ${fmt(best.rps, 0)} req/s, ` +
          `${fmt(best.cpuMsPerRequest, 3)} CPU-ms/req, ${best.non2xx + best.errors} failed, ` +
          `c=1 first text p50 ${fmt(timings.sequential.firstContentMs.p50, 2)} ms`,
      );
    }
  }
  const off = medianOf(runs.off);
  const on = medianOf(runs.on);
  const chunks = ANSWER_DELTAS;
  return {
    deltasPerAnswer: chunks,
    off: { label: targets.off.label, ...off },
    on: { label: targets.on.label, ...on },
    cpuMsPerChunk: { off: off.load.cpuMsPerRequest / chunks, on: on.load.cpuMsPerRequest / chunks },
    addedCpuMsPerChunk: (on.load.cpuMsPerRequest - off.load.cpuMsPerRequest) / chunks,
    addedFirstTextMs: on.timings.sequential.firstContentMs.p50 - off.timings.sequential.firstContentMs.p50,
    runs,
  };
}

/** @param {Awaited<ReturnType<typeof runGuardrailsSuite>>} result */
export function renderGuardrailsReport(result) {
  if ('skipped' in result) return `skipped: ${result.skipped}`;
  const rows = [
    [
      'POST /chat, stream',
      'req/s',
      'CPU-ms/req',
      'CPU-ms/chunk',
      'first text p50 ms',
      'full p50 ms',
      'failed',
    ],
  ];
  for (const mode of /** @type {const} */ (['off', 'on'])) {
    const t = result[mode];
    rows.push([
      t.label,
      fmt(t.load.rps, 0),
      fmt(t.load.cpuMsPerRequest, 3),
      fmt(result.cpuMsPerChunk[mode], 4),
      fmt(t.timings.sequential.firstContentMs.p50, 2),
      fmt(t.timings.sequential.totalMs.p50, 2),
      String(t.load.non2xx + t.load.errors),
    ]);
  }
  return (
    `${table(rows)}\n\nredaction adds ${fmt(result.addedCpuMsPerChunk * 1000, 1)} µs CPU per chunk ` +
    `(${result.deltasPerAnswer} deltas an answer) and ${fmt(result.addedFirstTextMs, 2)} ms to the first text`
  );
}
