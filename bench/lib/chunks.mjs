// The `chunks` suite (issue 15, "Cost of a chunk"): what the gateway adds per streamed chunk when it
// re-frames a long answer, against the floor's `parse` mode (bench/workers/floor.ts: read each
// chunk in JavaScript, parse the SSE, JSON.parse and re-stringify every event), and what a `/v1`
// JSON answer costs against the floor's `json-parse-log` mode.
//
// Side by side, literally: each gateway target is loaded at the same time as the floor's mode it
// is compared with (and, for streams, the bare Worker, the runtime's own pipe), each Worker in its
// own workerd process against the same fake upstream, so that whatever else runs on the machine
// disturbs all of them alike. On a shared machine, measurements taken one after the other differ
// by ±30 % from minute to minute; ratios within one simultaneous measurement are much steadier.
// Every comparison is repeated (at least two rounds) and the median of its ratios reported.
//
// Added CPU per chunk = (CPU-ms per request on the long stream − the bare Worker's on the same
// stream) / the stream's deltas. The gateway's per-request costs (authentication, routing, the log
// line) are in it too, spread over 500 deltas.
import { LONG_ANSWER_CHUNKS, LONG_ANSWER_TEXT, ANSWER_TEXT } from './fake-upstream.mjs';
import { loadTest, send } from './load.mjs';
import { fmt, medianOf, table } from './report.mjs';
import {
  messagesStreamAnswer,
  nativeStreamAnswer,
  openaiJsonAnswer,
  openaiStreamAnswer,
  post,
  responsesStreamAnswer,
} from './scenarios.mjs';
import { BENCH_API_KEY, BENCH_LONG_MODEL, BENCH_MODEL } from './workers.mjs';

/** Added CPU per chunk of a re-framed stream: at most this multiple of the floor's `parse` mode. */
export const CHUNK_RATIO_MAX = 1.25;
/** `/v1` JSON CPU per request: at most this multiple of the floor's `json-parse-log` mode. */
export const JSON_RATIO_MAX = 1.5;
/**
 * Long streams are measured as closed batches of this many requests per Worker (`--quick`: the
 * smaller), over `STREAM_CONNECTIONS` connections each: a timed window over streams this long
 * completes few of them, and the ones in flight at either end would skew CPU per request.
 */
export const STREAM_REQUESTS = { full: 48, quick: 16 };
const STREAM_CONNECTIONS = 2;
const STREAM_WARMUP_REQUESTS = 6;
/** JSON: concurrent connections per Worker (two Workers are loaded at once). */
const JSON_CONNECTIONS = 10;

/**
 * @typedef {import('./load.mjs').HttpCall} HttpCall
 * @typedef {Awaited<ReturnType<typeof loadTest>>} LoadResult
 * @typedef {{ url: string, pids: number[] }} Worker
 * @typedef {'bare' | 'floor' | 'gateway'} WorkerName
 * @typedef {'reframed' | 'relayed' | 'json'} Kind
 * @typedef {{
 *   id: string,
 *   worker: WorkerName,
 *   label: string,
 *   call: HttpCall,
 *   answerOf: (status: number, contentType: string, body: string) => string | undefined,
 *   expected: string,
 * }} Load
 * @typedef {Load & { kind: Kind }} ChunkTarget
 */

const JSON_HEADERS = { 'content-type': 'application/json' };
const GATEWAY_HEADERS = { ...JSON_HEADERS, authorization: `Bearer ${BENCH_API_KEY}` };
const SYSTEM = 'You are a terse assistant.';
const QUESTION = 'Name twenty words.';
const MESSAGES = [
  { role: 'system', content: SYSTEM },
  { role: 'user', content: QUESTION },
];
/** The upstream's model name without the provider (what the floor and bare Workers send it). */
const upstreamModel = (/** @type {string} */ model) => model.slice(model.indexOf('/') + 1);

/**
 * @param {string} model
 * @param {{ stream: boolean, includeUsage?: boolean }} options
 */
const openaiBody = (model, { stream, includeUsage = false }) =>
  JSON.stringify({
    model,
    messages: MESSAGES,
    stream,
    ...(includeUsage ? { stream_options: { include_usage: true } } : {}),
  });

// The gateway asks its upstream for usage on every stream: so do the references.
const longUpstreamBody = openaiBody(upstreamModel(BENCH_LONG_MODEL), { stream: true, includeUsage: true });

/** The references each target is loaded with. */
export const REFERENCES = {
  /** The runtime's own pipe: what is "added" is counted from it. */
  native: /** @type {Load} */ ({
    id: 'bare-native',
    worker: 'bare',
    label: 'bare Worker: the runtime pipes the upstream body',
    call: post('/v1/chat/completions', longUpstreamBody, JSON_HEADERS),
    answerOf: openaiStreamAnswer,
    expected: LONG_ANSWER_TEXT,
  }),
  parse: /** @type {Load} */ ({
    id: 'floor-parse',
    worker: 'floor',
    label: 'floor parse: read, SSE parse, JSON.parse/stringify per event',
    call: post('/?mode=parse', longUpstreamBody, JSON_HEADERS),
    answerOf: openaiStreamAnswer,
    expected: LONG_ANSWER_TEXT,
  }),
  json: /** @type {Load} */ ({
    id: 'floor-json-parse-log',
    worker: 'floor',
    label: 'floor json-parse-log: parse, rebuild, one log line',
    call: post(
      '/?mode=json-parse-log',
      openaiBody(upstreamModel(BENCH_MODEL), { stream: false }),
      JSON_HEADERS,
    ),
    answerOf: openaiJsonAnswer,
    expected: ANSWER_TEXT,
  }),
};

/** @type {ChunkTarget[]} */
export const CHUNK_TARGETS = [
  {
    id: 'chat-stream',
    kind: 'reframed',
    worker: 'gateway',
    label: 'POST /chat, stream',
    call: post(
      '/chat',
      JSON.stringify({ message: QUESTION, system: SYSTEM, model: BENCH_LONG_MODEL, stream: true }),
      GATEWAY_HEADERS,
    ),
    answerOf: nativeStreamAnswer,
    expected: LONG_ANSWER_TEXT,
  },
  {
    id: 'openai-framed',
    kind: 'reframed',
    worker: 'gateway',
    label: 'POST /v1/chat/completions, stream, no include_usage',
    call: post('/v1/chat/completions', openaiBody(BENCH_LONG_MODEL, { stream: true }), GATEWAY_HEADERS),
    answerOf: openaiStreamAnswer,
    expected: LONG_ANSWER_TEXT,
  },
  {
    id: 'responses-stream',
    kind: 'reframed',
    worker: 'gateway',
    label: 'POST /v1/responses, stream (store: false)',
    call: post(
      '/v1/responses',
      JSON.stringify({
        model: BENCH_LONG_MODEL,
        instructions: SYSTEM,
        input: QUESTION,
        stream: true,
        store: false,
      }),
      GATEWAY_HEADERS,
    ),
    answerOf: responsesStreamAnswer,
    expected: LONG_ANSWER_TEXT,
  },
  {
    id: 'messages-stream',
    kind: 'reframed',
    worker: 'gateway',
    label: 'POST /v1/messages, stream',
    call: post(
      '/v1/messages',
      JSON.stringify({
        model: BENCH_LONG_MODEL,
        system: SYSTEM,
        max_tokens: 4096,
        messages: [{ role: 'user', content: QUESTION }],
        stream: true,
      }),
      GATEWAY_HEADERS,
    ),
    answerOf: messagesStreamAnswer,
    expected: LONG_ANSWER_TEXT,
  },
  {
    id: 'openai-relayed',
    kind: 'relayed',
    worker: 'gateway',
    label: 'POST /v1/chat/completions, stream, include_usage (relayed)',
    call: post(
      '/v1/chat/completions',
      openaiBody(BENCH_LONG_MODEL, { stream: true, includeUsage: true }),
      GATEWAY_HEADERS,
    ),
    answerOf: openaiStreamAnswer,
    expected: LONG_ANSWER_TEXT,
  },
  {
    id: 'openai-json',
    kind: 'json',
    worker: 'gateway',
    label: 'POST /v1/chat/completions, JSON',
    call: post('/v1/chat/completions', openaiBody(BENCH_MODEL, { stream: false }), GATEWAY_HEADERS),
    answerOf: openaiJsonAnswer,
    expected: ANSWER_TEXT,
  },
];

/** The loads measured together with `target`: itself first, then its references. */
const groupOf = (/** @type {ChunkTarget} */ target) =>
  target.kind === 'json' ? [target, REFERENCES.json] : [target, REFERENCES.parse, REFERENCES.native];

/**
 * @typedef {{ target: string, cpu: Record<string, number>, addedUs?: { target: number, parse: number }, ratio: number, otherLoadShare: number, failed: number }} ChunkRound
 * @typedef {{ id: string, label: string, kind: Kind, cpuMsPerRequest: number, referenceCpuMsPerRequest: number, addedUsPerChunk?: number, parseAddedUsPerChunk?: number, ratio: number, ratios: number[], limit?: number, pass?: boolean }} ChunkRow
 * @typedef {{ chunks: number, requestsPerBatch: number, measurements: ChunkRound[], rows: ChunkRow[], skipped: string[] }} ChunkSuiteResult
 */

/**
 * Runs the suite: every load probed once (a target whose probe fails is skipped), then in each
 * round every target is loaded together with its references, after a warm-up, in reverse order on
 * odd rounds. A measurement during which processes outside the benchmark took more than
 * `maxOtherLoad` of the machine is repeated (the least disturbed of `attempts` is kept).
 * @param {{ workers: Record<WorkerName, Worker>, upstreamPid: number | undefined, options: { durationS: number, warmupS: number, attempts: number, maxOtherLoad: number, rounds: number, quick: boolean }, log: (line: string) => void, only?: string[] | undefined }} spec
 * @returns {Promise<ChunkSuiteResult>}
 */
export async function runChunkSuite({ workers, upstreamPid, options, log, only }) {
  /** @type {string[]} */
  const skipped = [];
  /** @param {Load} load */
  const probeFails = async (load) => {
    const { status, type, body } = await send(workers[load.worker].url, load.call);
    if (load.answerOf(status, type, body) === load.expected) return undefined;
    return `${load.id}: ${load.call.method} ${load.call.path} answered ${status} ${type}: ${body.slice(0, 200)}`;
  };
  for (const reference of Object.values(REFERENCES)) {
    const failure = await probeFails(reference);
    if (failure) throw new Error(`chunks suite: a reference failed its probe: ${failure}`);
  }
  /** @type {ChunkTarget[]} */
  const targets = [];
  for (const target of CHUNK_TARGETS.filter((t) => only === undefined || only.includes(t.id))) {
    const failure = await probeFails(target);
    if (failure === undefined) targets.push(target);
    else {
      skipped.push(failure);
      log(`chunks ${target.id}: skipped, its probe failed (${failure})`);
    }
  }

  const requests = options.quick ? STREAM_REQUESTS.quick : STREAM_REQUESTS.full;
  /**
   * The loads of one group at once; CPU per request of each Worker process.
   * @param {Load[]} group @param {number | undefined} amount
   */
  const together = (group, amount) =>
    Promise.all(
      group.map((load) => {
        const worker = workers[load.worker];
        return loadTest({
          url: worker.url,
          call: load.call,
          connections: amount === undefined ? JSON_CONNECTIONS : STREAM_CONNECTIONS,
          durationS: options.durationS,
          pids: worker.pids,
          ...(upstreamPid !== undefined ? { upstreamPid } : {}),
          ...(amount !== undefined ? { amount } : {}),
        });
      }),
    );

  const rounds = Math.max(2, options.rounds);
  /** @type {ChunkRound[]} */
  const measurements = [];
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? targets : [...targets].reverse();
    for (const target of order) {
      const group = groupOf(target);
      const stream = target.kind !== 'json';
      await together(group, stream ? STREAM_WARMUP_REQUESTS : undefined);
      /** @type {LoadResult[] | undefined} */
      let best;
      let worst = 0;
      for (let attempt = 1; attempt <= options.attempts; attempt++) {
        const loads = await together(group, stream ? requests : undefined);
        const other = Math.max(...loads.map((load) => load.otherLoadShare));
        worst = Math.max(worst, other);
        if (!best || other < Math.max(...best.map((load) => load.otherLoadShare))) best = loads;
        if (other <= options.maxOtherLoad) break;
        if (attempt < options.attempts) {
          log(
            `chunks ${target.id.padEnd(16)} other processes used ${fmt(other * 100, 0)}% of the machine; measuring again`,
          );
        }
      }
      if (!best) throw new Error('no measurement');
      /** @type {Record<string, number>} */
      const cpu = Object.fromEntries(group.map((load, i) => [load.id, best[i]?.cpuMsPerRequest ?? NaN]));
      const own = cpu[target.id] ?? NaN;
      /** @type {ChunkRound} */
      const measured = {
        target: target.id,
        cpu,
        ratio: NaN,
        otherLoadShare: Math.max(...best.map((load) => load.otherLoadShare)),
        failed: best.reduce((sum, load) => sum + load.non2xx + load.errors, 0),
      };
      if (stream) {
        const native = cpu[REFERENCES.native.id] ?? NaN;
        const addedUs = (/** @type {number} */ value) => ((value - native) * 1000) / LONG_ANSWER_CHUNKS;
        measured.addedUs = { target: addedUs(own), parse: addedUs(cpu[REFERENCES.parse.id] ?? NaN) };
        measured.ratio = measured.addedUs.target / measured.addedUs.parse;
      } else {
        measured.ratio = own / (cpu[REFERENCES.json.id] ?? NaN);
      }
      measurements.push(measured);
      log(
        `chunks ${target.id.padEnd(16)} round ${round + 1}/${rounds}: ` +
          group.map((load) => `${load.id} ${fmt(cpu[load.id], 2)}`).join(', ') +
          ` CPU-ms/req; ratio ${fmt(measured.ratio, 2)}x, ${measured.failed} failed, other load ${fmt(measured.otherLoadShare * 100, 0)}%`,
      );
    }
  }
  return {
    chunks: LONG_ANSWER_CHUNKS,
    requestsPerBatch: requests,
    measurements,
    rows: chunkRows(targets, measurements),
    skipped,
  };
}

/**
 * Medians over the rounds: each ratio is taken within one simultaneous measurement first.
 * @param {ChunkTarget[]} targets
 * @param {ChunkRound[]} measurements
 * @returns {ChunkRow[]}
 */
export function chunkRows(targets, measurements) {
  return targets.map((target) => {
    const mine = measurements.filter((m) => m.target === target.id);
    const reference = target.kind === 'json' ? REFERENCES.json.id : REFERENCES.parse.id;
    const ratios = mine.map((m) => m.ratio);
    /** @type {ChunkRow} */
    const row = {
      id: target.id,
      label: target.label,
      kind: target.kind,
      cpuMsPerRequest: medianOf(mine.map((m) => m.cpu[target.id] ?? NaN)),
      referenceCpuMsPerRequest: medianOf(mine.map((m) => m.cpu[reference] ?? NaN)),
      ratio: medianOf(ratios),
      ratios,
    };
    if (target.kind !== 'json') {
      row.addedUsPerChunk = medianOf(mine.map((m) => m.addedUs?.target ?? NaN));
      row.parseAddedUsPerChunk = medianOf(mine.map((m) => m.addedUs?.parse ?? NaN));
    }
    if (target.kind !== 'relayed') {
      row.limit = target.kind === 'json' ? JSON_RATIO_MAX : CHUNK_RATIO_MAX;
      row.pass = row.ratio <= row.limit;
    }
    return row;
  });
}

/**
 * The suite's target checks, in the shape of the core suite's (bench/lib/report.mjs).
 * @param {ChunkSuiteResult} result
 * @returns {import('./report.mjs').TargetCheck[]}
 */
export function chunkChecks(result) {
  return result.rows
    .filter((row) => row.limit !== undefined)
    .map((row) => ({
      scenario: `chunks/${row.id}`,
      target:
        row.kind === 'json'
          ? 'CPU-ms/req vs floor json-parse-log, side by side'
          : `added CPU per chunk vs floor parse, side by side (${result.chunks}-chunk stream)`,
      measured: row.ratio,
      limit: `<= ${String(row.limit)}`,
      pass: row.pass === true,
    }));
}

/**
 * @param {ChunkSuiteResult} result
 */
export function renderChunkReport(result) {
  /** @type {string[][]} */
  const rows = [
    [
      'gateway target',
      'CPU-ms/req',
      'reference',
      'added µs/chunk',
      'parse: added µs/chunk',
      'ratio (rounds)',
      'target',
      '',
    ],
  ];
  for (const row of result.rows) {
    rows.push([
      row.label + (row.kind === 'relayed' ? ' [info]' : ''),
      fmt(row.cpuMsPerRequest, 2),
      `${fmt(row.referenceCpuMsPerRequest, 2)} ${row.kind === 'json' ? 'json-parse-log' : 'parse'}`,
      row.addedUsPerChunk === undefined ? '' : fmt(row.addedUsPerChunk, 1),
      row.parseAddedUsPerChunk === undefined ? '' : fmt(row.parseAddedUsPerChunk, 1),
      `${fmt(row.ratio, 2)}x (${row.ratios.map((r) => fmt(r, 2)).join(' ')})`,
      row.limit === undefined ? '' : `<= ${String(row.limit)}x`,
      row.pass === undefined ? '' : row.pass ? 'PASS' : 'FAIL',
    ]);
  }
  const otherLoad = Math.max(0, ...result.measurements.map((m) => m.otherLoadShare));
  const failed = result.measurements.reduce((sum, m) => sum + m.failed, 0);
  return [
    table(rows),
    '',
    `Streams: ${result.chunks} deltas, ${result.requestsPerBatch} requests per Worker per measurement, loaded ` +
      'together with the floor parse mode and the bare Worker; added = (CPU-ms/req − bare) / deltas; ' +
      'ratio = added / parse added. JSON: CPU-ms/req / json-parse-log, loaded together. Medians of the rounds.',
    ...(failed > 0 ? [`WARNING: ${failed} requests failed under load.`] : []),
    ...(otherLoad > 0.1
      ? [
          `WARNING: other processes used up to ${fmt(otherLoad * 100, 0)}% of the machine during a measurement ` +
            '(the ratios are measured side by side, so they suffer less than the absolute figures).',
        ]
      : []),
    ...result.skipped.map((reason) => `skipped: ${reason}`),
  ].join('\n');
}
