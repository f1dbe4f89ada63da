// The `rag` suite (issue 5): the local vector index's query latency by size and dimension, the
// gateway's ingestion throughput, and `/search` cold versus cached.
//
// - Index: bench/workers/rag-index.ts (the real `VectorIndexDO` behind `LocalVectorStore`, in a
//   workerd process of its own) is seeded with random unit vectors from a fixed seed, then
//   queried one request at a time (topK 5; returnMetadata 'none' and 'all'), each request timed
//   here. `/floor` is the same request without the query: what HTTP and the Worker add.
// - Ingest: a synthetic Markdown corpus (fixed seed) through `POST /ingest` of the gateway for the
//   `bench-rag` tenant (offline embedder `local/hash-384`), in batches, one batch at a time.
// - Search: the same queries twice through `POST /search` on that corpus: first pass MISS (the
//   `x-cache` header says so), second pass HIT.
import { Agent, request as httpRequest } from 'node:http';
import { cpuMsOf } from './cpu.mjs';
import { summarize } from './load.mjs';
import { prng } from './prng.mjs';
import { fmt, table } from './report.mjs';

/** @typedef {{ url: string, pids: number[] }} Worker */

const TOPICS = [
  'billing',
  'invoices',
  'refunds',
  'shipping',
  'returns',
  'warranty',
  'passwords',
  'accounts',
  'exports',
  'webhooks',
  'latency',
  'caching',
  'backups',
  'encryption',
  'audits',
  'quotas',
  'sessions',
  'retention',
  'pricing',
  'discounts',
];
const WORDS = (
  'the a customer order account request response service team policy process system data report ' +
  'update change review support contract payment delivery schedule window limit error retry ' +
  'region storage record message token budget plan tier release version feature setting option ' +
  'manager operator dashboard alert metric threshold period month day week hour minute second ' +
  'approve reject escalate confirm cancel renew extend reduce increase measure verify document ' +
  'quickly carefully always never usually often within after before during between across'
).split(' ');

/**
 * A synthetic corpus: `count` Markdown documents of about `bytes` bytes, each about one topic,
 * with a title, sections and paragraphs of words drawn from a small vocabulary.
 * @param {number} count
 * @param {number} [bytes]
 */
export function syntheticCorpus(count, bytes = 2048) {
  const random = prng(42);
  /** @param {readonly string[]} list */
  const pick = (list) => list[Math.floor(random() * list.length)] ?? '';
  /** @param {string} topic */
  const sentence = (topic) => {
    const words = Array.from({ length: 8 + Math.floor(random() * 10) }, () =>
      random() < 0.15 ? topic : pick(WORDS),
    );
    const text = words.join(' ');
    return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
  };
  return Array.from({ length: count }, (_, i) => {
    const topic = TOPICS[i % TOPICS.length] ?? 'billing';
    const parts = [`# ${topic} guide ${i}`, ''];
    let section = 0;
    while (parts.join('\n').length < bytes) {
      parts.push(`## ${topic} ${pick(WORDS)} ${++section}`, '');
      for (let p = 0; p < 2; p++) {
        parts.push(Array.from({ length: 4 }, () => sentence(topic)).join(' '), '');
      }
    }
    return { id: `doc-${i}`, title: `${topic} guide ${i}`, source: 'bench', text: parts.join('\n') };
  });
}

/**
 * Queries over the corpus: a topic and two vocabulary words, phrased as a question.
 * @param {number} count
 */
export function searchQueries(count) {
  const random = prng(7);
  /** @param {readonly string[]} list */
  const pick = (list) => list[Math.floor(random() * list.length)] ?? '';
  return Array.from(
    { length: count },
    (_, i) => `How does ${pick(TOPICS)} ${pick(WORDS)} affect the ${pick(WORDS)}? (${i})`,
  );
}

/**
 * One timed request (client side, high resolution).
 * @param {Agent} agent
 * @param {string} url
 * @param {{ method: string, headers: Record<string, string>, body?: string }} call
 * @returns {Promise<{ ms: number, status: number, headers: import('node:http').IncomingHttpHeaders, body: string }>}
 */
function timed(agent, url, call) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const req = httpRequest(url, { method: call.method, headers: call.headers, agent }, (res) => {
      /** @type {Buffer[]} */
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          ms: Number(process.hrtime.bigint() - start) / 1e6,
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(call.body);
  });
}

/** @param {number[]} values @param {number} wallMs @param {number} cpuMs */
const figures = (values, wallMs, cpuMs) => ({
  latencyMs: summarize(values),
  perSecond: (values.length * 1000) / wallMs,
  cpuMsPerRequest: cpuMs / Math.max(1, values.length),
});

/**
 * Times `count` sequential requests built by `callOf(i)`.
 * @param {Agent} agent
 * @param {Worker} worker
 * @param {string} path
 * @param {number} count
 * @param {(i: number) => { method: string, headers: Record<string, string>, body?: string }} callOf
 * @param {(res: Awaited<ReturnType<typeof timed>>) => void} [check]
 */
async function timeSequence(agent, worker, path, count, callOf, check) {
  /** @type {number[]} */
  const times = [];
  const cpuBefore = cpuMsOf(worker.pids);
  const started = process.hrtime.bigint();
  for (let i = 0; i < count; i++) {
    const res = await timed(agent, `${worker.url}${path}`, callOf(i));
    if (res.status !== 200) throw new Error(`${path} answered ${res.status}: ${res.body.slice(0, 300)}`);
    check?.(res);
    times.push(res.ms);
  }
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  return figures(times, wallMs, cpuMsOf(worker.pids) - cpuBefore);
}

/**
 * The local index, by size and dimension.
 * @param {{ ragIndex: Worker, queries: number, log: (line: string) => void }} spec
 */
async function indexLatency({ ragIndex, queries, log }) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const json = { 'content-type': 'application/json' };
  /** @type {Record<string, unknown>[]} */
  const results = [];
  try {
    for (const dims of [384, 768]) {
      for (const size of [1000, 10_000]) {
        const index = `idx-${size}-${dims}`;
        const seedStarted = process.hrtime.bigint();
        const seeded = await timed(agent, `${ragIndex.url}/seed`, {
          method: 'POST',
          headers: json,
          body: JSON.stringify({ index, count: size, dims, seed: 1 }),
        });
        if (seeded.status !== 200) throw new Error(`seeding ${index}: ${seeded.status} ${seeded.body}`);
        const seedMs = Number(process.hrtime.bigint() - seedStarted) / 1e6;
        /** @param {string} path @param {string} returnMetadata @param {number} n @param {number} seed */
        const run = (path, returnMetadata, n, seed) =>
          timeSequence(
            agent,
            ragIndex,
            path,
            n,
            (i) => ({
              method: 'POST',
              headers: json,
              body: JSON.stringify({ index, dims, seed: seed + i, topK: 5, returnMetadata }),
            }),
            (res) => {
              if (path !== '/query') return;
              const body = /** @type {{ matches: number, withMetadata: number }} */ (JSON.parse(res.body));
              const expected = returnMetadata === 'none' ? 0 : 5;
              if (body.matches !== 5 || body.withMetadata !== expected) {
                throw new Error(`${index}: unexpected query result ${res.body}`);
              }
            },
          );
        // Unmeasured: the first query loads the index into the object's memory; JIT warm-up.
        await run('/query', 'none', 10, 1_000_000);
        const floor = await run('/floor', 'none', queries, 2_000_000);
        /** @type {Record<string, ReturnType<typeof figures>>} */
        const byMetadata = {};
        for (const returnMetadata of ['none', 'all']) {
          byMetadata[returnMetadata] = await run('/query', returnMetadata, queries, 3_000_000);
        }
        results.push({ size, dims, seedMs, floor, byMetadata });
        log(
          `rag index ${String(size).padStart(6)} x ${dims}: ` +
            Object.entries(byMetadata)
              .map(
                ([m, f]) =>
                  `${m} p50 ${fmt(f.latencyMs.p50, 2)} ms p99 ${fmt(f.latencyMs.p99, 2)} ms ${fmt(f.perSecond, 0)} q/s`,
              )
              .join('; ') +
            `; floor p50 ${fmt(floor.latencyMs.p50, 2)} ms; seeded in ${fmt(seedMs, 0)} ms`,
        );
      }
    }
  } finally {
    agent.destroy();
  }
  return results;
}

/**
 * Ingestion and search on the gateway.
 * @param {{ gateway: Worker, key: string, documents: number, batch: number, queries: number, log: (line: string) => void }} spec
 */
async function gatewayRag({ gateway, key, documents, batch, queries, log }) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${key}` };
  try {
    const corpus = syntheticCorpus(documents);
    const corpusBytes = corpus.reduce((sum, doc) => sum + Buffer.byteLength(doc.text), 0);
    /** @type {number[]} */
    const batchMs = [];
    let chunks = 0;
    let added = 0;
    const cpuBefore = cpuMsOf(gateway.pids);
    const started = process.hrtime.bigint();
    for (let start = 0; start < corpus.length; start += batch) {
      const res = await timed(agent, `${gateway.url}/ingest`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ documents: corpus.slice(start, start + batch) }),
      });
      if (res.status !== 200) throw new Error(`/ingest answered ${res.status}: ${res.body.slice(0, 300)}`);
      const result = /** @type {{ added: string[], failed: unknown[], chunks: number }} */ (
        JSON.parse(res.body)
      );
      if (result.failed.length > 0) throw new Error(`/ingest failed documents: ${res.body.slice(0, 300)}`);
      chunks += result.chunks;
      added += result.added.length;
      batchMs.push(res.ms);
    }
    const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
    const ingestCpuMs = cpuMsOf(gateway.pids) - cpuBefore;
    const ingest = {
      documents: corpus.length,
      added,
      corpusBytes,
      batchSize: batch,
      chunks,
      wallMs,
      chunksPerSecond: (chunks * 1000) / wallMs,
      docsPerSecond: (corpus.length * 1000) / wallMs,
      cpuMsPerChunk: ingestCpuMs / Math.max(1, chunks),
      batchMs: summarize(batchMs),
    };
    log(
      `rag ingest: ${corpus.length} documents (${fmt(corpusBytes / 1024, 0)} KiB), ${chunks} chunks in ` +
        `${fmt(wallMs, 0)} ms: ${fmt(ingest.chunksPerSecond, 0)} chunks/s, ${fmt(ingest.docsPerSecond, 0)} docs/s`,
    );

    const querySet = searchQueries(queries);
    /** @type {Record<string, unknown>} */
    const search = { queries: querySet.length };
    for (const pass of /** @type {const} */ (['cold', 'cached'])) {
      const expected = pass === 'cold' ? 'MISS' : 'HIT';
      let unexpected = 0;
      let withSources = 0;
      const result = await timeSequence(
        agent,
        gateway,
        '/search',
        querySet.length,
        (i) => ({ method: 'POST', headers, body: JSON.stringify({ query: querySet[i] }) }),
        (res) => {
          if (res.headers['x-cache'] !== expected) unexpected++;
          const body = /** @type {{ sources?: unknown[] }} */ (JSON.parse(res.body));
          if ((body.sources?.length ?? 0) > 0) withSources++;
        },
      );
      search[pass] = {
        ...result,
        expectedCacheHeader: expected,
        unexpectedCacheHeader: unexpected,
        withSources,
      };
      log(
        `rag search ${pass.padEnd(6)}: p50 ${fmt(result.latencyMs.p50, 2)} ms, p99 ${fmt(result.latencyMs.p99, 2)} ms, ` +
          `${fmt(result.cpuMsPerRequest, 3)} CPU-ms/req, ${unexpected} without x-cache ${expected}, ` +
          `${withSources}/${querySet.length} with sources`,
      );
    }
    const cold = /** @type {ReturnType<typeof figures>} */ (search['cold']);
    const cached = /** @type {ReturnType<typeof figures>} */ (search['cached']);
    search['ratios'] = {
      p50: cold.latencyMs.p50 / cached.latencyMs.p50,
      p99: cold.latencyMs.p99 / cached.latencyMs.p99,
      cpuMsPerRequest: cold.cpuMsPerRequest / cached.cpuMsPerRequest,
    };
    return { ingest, search };
  } finally {
    agent.destroy();
  }
}

/**
 * Runs the suite.
 * @param {{ gateway: Worker, ragIndex: Worker, key: string, quick: boolean, log: (line: string) => void }} spec
 */
export async function runRagSuite({ gateway, ragIndex, key, quick, log }) {
  const settings = {
    indexQueries: quick ? 50 : 200,
    documents: quick ? 100 : 200,
    batch: 20,
    searchQueries: quick ? 40 : 100,
  };
  const index = await indexLatency({ ragIndex, queries: settings.indexQueries, log });
  const { ingest, search } = await gatewayRag({
    gateway,
    key,
    documents: settings.documents,
    batch: settings.batch,
    queries: settings.searchQueries,
    log,
  });
  return { settings, index, ingest, search };
}

/**
 * The suite's tables.
 * @param {Awaited<ReturnType<typeof runRagSuite>>} result
 */
export function renderRagReport(result) {
  const indexRows = [
    [
      'local index query (topK 5)',
      'none p50',
      'none p99',
      'none q/s',
      'all p50',
      'all p99',
      'all q/s',
      'CPU-ms/q (none)',
      'floor p50',
    ],
  ];
  for (const raw of result.index) {
    const r = /** @type {any} */ (raw);
    const none = r.byMetadata.none;
    const all = r.byMetadata.all;
    indexRows.push([
      `${fmt(r.size, 0)} vectors x ${r.dims} dims`,
      fmt(none.latencyMs.p50, 2),
      fmt(none.latencyMs.p99, 2),
      fmt(none.perSecond, 0),
      fmt(all.latencyMs.p50, 2),
      fmt(all.latencyMs.p99, 2),
      fmt(all.perSecond, 0),
      fmt(none.cpuMsPerRequest, 3),
      fmt(r.floor.latencyMs.p50, 2),
    ]);
  }
  const { ingest } = result;
  const search = /** @type {any} */ (result.search);
  const searchRows = [
    [
      '/search (bench-rag)',
      'p50 ms',
      'p99 ms',
      'mean ms',
      'CPU-ms/req',
      'x-cache as expected',
      'with sources',
    ],
  ];
  for (const pass of ['cold', 'cached']) {
    const s = search[pass];
    searchRows.push([
      `${pass} (${s.expectedCacheHeader})`,
      fmt(s.latencyMs.p50, 2),
      fmt(s.latencyMs.p99, 2),
      fmt(s.latencyMs.mean, 2),
      fmt(s.cpuMsPerRequest, 3),
      `${search.queries - s.unexpectedCacheHeader}/${search.queries}`,
      `${s.withSources}/${search.queries}`,
    ]);
  }
  /** @param {number} value */
  const x = (value) => `${fmt(value, 1)}x`;
  searchRows.push([
    'cold / cached',
    x(search.ratios.p50),
    x(search.ratios.p99),
    '',
    x(search.ratios.cpuMsPerRequest),
    '',
    '',
  ]);
  return [
    table(indexRows),
    `Requests one at a time to bench/workers/rag-index.ts, timed by the client (ms); q/s = queries per second ` +
      `one at a time; floor = the same request without the query (HTTP + Worker). ${result.settings.indexQueries} ` +
      'queries per figure.',
    '',
    table([
      [
        'ingest (POST /ingest, local/hash-384)',
        'documents',
        'chunks',
        'seconds',
        'chunks/s',
        'docs/s',
        'CPU-ms/chunk',
        'batch p50 ms',
      ],
      [
        `${ingest.documents} docs, ${fmt(ingest.corpusBytes / ingest.documents / 1024, 1)} KiB each, batches of ${ingest.batchSize}`,
        String(ingest.documents),
        String(ingest.chunks),
        fmt(ingest.wallMs / 1000, 2),
        fmt(ingest.chunksPerSecond, 0),
        fmt(ingest.docsPerSecond, 0),
        fmt(ingest.cpuMsPerChunk, 3),
        fmt(ingest.batchMs.p50, 1),
      ],
    ]),
    '',
    table(searchRows),
    `${search.queries} queries, one at a time, each once per pass; cold = first pass (cache MISS, retrieval + ` +
      'answer from the fake upstream), cached = second pass (HIT).',
  ].join('\n');
}
