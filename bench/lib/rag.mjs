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
import { fmt } from './report.mjs';

/** @typedef {{ url: string, pids: number[], stderr?: () => string }} Worker */

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

/**
 * `attempt()`, again once if the connection was reset.
 * @template T
 * @param {() => Promise<T>} attempt
 * @returns {Promise<T>}
 */
async function withRetry(attempt) {
  try {
    return await attempt();
  } catch (error) {
    if (/** @type {{ code?: string }} */ (error).code !== 'ECONNRESET') throw error;
    return attempt();
  }
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
        // Seeding is idempotent (a seeded index answers at once), so a connection the index
        // Worker reset (seen on a loaded machine while it is busy writing thousands of vectors) is
        // retried once on a fresh socket.
        const seeded = await withRetry(() =>
          timed(agent, `${ragIndex.url}/seed`, {
            method: 'POST',
            headers: json,
            body: JSON.stringify({ index, count: size, dims, seed: 1 }),
          }),
        );
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
  } catch (error) {
    // A reset connection means the index Worker's process went away: say what it printed.
    throw new Error(`index Worker failed: ${String(error)}\n${ragIndex.stderr?.() ?? ''}`, { cause: error });
  } finally {
    agent.destroy();
  }
  return results;
}

/**
 * Ingestion and search on one or more gateway builds, interleaved request by request (the order
 * of the builds alternates from one request to the next), so that a machine whose other load
 * comes and goes weighs on every build alike. Each build runs in its own workerd process, so the
 * CPU each spends is still its own.
 * @param {{ workers: Worker[], key: string, documents: number, batch: number, queries: number, log: (line: string) => void }} spec
 */
async function gatewayRag({ workers, key, documents, batch, queries, log }) {
  const agents = workers.map(() => new Agent({ keepAlive: true, maxSockets: 1 }));
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${key}` };
  /** Each worker's index in turn, the first one changing with `i`. @param {number} i */
  const turns = (i) => workers.map((_, w) => (w + i) % workers.length);
  try {
    const corpus = syntheticCorpus(documents);
    const corpusBytes = corpus.reduce((sum, doc) => sum + Buffer.byteLength(doc.text), 0);
    const ingest = workers.map((worker) => ({
      batchMs: /** @type {number[]} */ ([]),
      wallMs: 0,
      chunks: 0,
      added: 0,
      cpuBefore: cpuMsOf(worker.pids),
    }));
    for (let start = 0, i = 0; start < corpus.length; start += batch, i += 1) {
      const body = JSON.stringify({ documents: corpus.slice(start, start + batch) });
      for (const w of turns(i)) {
        const worker = /** @type {Worker} */ (workers[w]);
        const state = /** @type {(typeof ingest)[number]} */ (ingest[w]);
        const res = await timed(/** @type {Agent} */ (agents[w]), `${worker.url}/ingest`, {
          method: 'POST',
          headers,
          body,
        });
        if (res.status !== 200) throw new Error(`/ingest answered ${res.status}: ${res.body.slice(0, 300)}`);
        const result = /** @type {{ added: string[], failed: unknown[], chunks: number }} */ (
          JSON.parse(res.body)
        );
        if (result.failed.length > 0) throw new Error(`/ingest failed documents: ${res.body.slice(0, 300)}`);
        state.chunks += result.chunks;
        state.added += result.added.length;
        state.batchMs.push(res.ms);
        state.wallMs += res.ms;
      }
    }
    const ingested = ingest.map((state, w) => {
      const cpuMs = cpuMsOf(/** @type {Worker} */ (workers[w]).pids) - state.cpuBefore;
      return {
        documents: corpus.length,
        added: state.added,
        corpusBytes,
        batchSize: batch,
        chunks: state.chunks,
        wallMs: state.wallMs,
        chunksPerSecond: (state.chunks * 1000) / state.wallMs,
        docsPerSecond: (corpus.length * 1000) / state.wallMs,
        cpuMsPerChunk: cpuMs / Math.max(1, state.chunks),
        batchMs: summarize(state.batchMs),
      };
    });
    ingested.forEach((figures, w) =>
      log(
        `rag ingest ${w}: ${corpus.length} documents (${fmt(corpusBytes / 1024, 0)} KiB), ${figures.chunks} chunks in ` +
          `${fmt(figures.wallMs, 0)} ms: ${fmt(figures.chunksPerSecond, 0)} chunks/s, ${fmt(figures.docsPerSecond, 0)} docs/s`,
      ),
    );

    const querySet = searchQueries(queries);
    /** @type {Record<string, unknown>[]} */
    const searches = workers.map(() => ({ queries: querySet.length }));
    for (const pass of /** @type {const} */ (['cold', 'cached'])) {
      const expected = pass === 'cold' ? 'MISS' : 'HIT';
      const state = workers.map((worker) => ({
        times: /** @type {number[]} */ ([]),
        unexpected: 0,
        withSources: 0,
        cpuBefore: cpuMsOf(worker.pids),
      }));
      for (let i = 0; i < querySet.length; i += 1) {
        for (const w of turns(i)) {
          const worker = /** @type {Worker} */ (workers[w]);
          const mine = /** @type {(typeof state)[number]} */ (state[w]);
          const res = await timed(/** @type {Agent} */ (agents[w]), `${worker.url}/search`, {
            method: 'POST',
            headers,
            body: JSON.stringify({ query: querySet[i] }),
          });
          if (res.status !== 200)
            throw new Error(`/search answered ${res.status}: ${res.body.slice(0, 300)}`);
          if (res.headers['x-cache'] !== expected) mine.unexpected++;
          const body = /** @type {{ sources?: unknown[] }} */ (JSON.parse(res.body));
          if ((body.sources?.length ?? 0) > 0) mine.withSources++;
          mine.times.push(res.ms);
        }
      }
      state.forEach((mine, w) => {
        const wallMs = mine.times.reduce((sum, ms) => sum + ms, 0);
        const result = figures(
          mine.times,
          wallMs,
          cpuMsOf(/** @type {Worker} */ (workers[w]).pids) - mine.cpuBefore,
        );
        /** @type {Record<string, unknown>} */ (searches[w])[pass] = {
          ...result,
          expectedCacheHeader: expected,
          unexpectedCacheHeader: mine.unexpected,
          withSources: mine.withSources,
        };
        log(
          `rag search ${w} ${pass.padEnd(6)}: p50 ${fmt(result.latencyMs.p50, 2)} ms, p95 ${fmt(result.latencyMs.p95, 2)} ms, ` +
            `${fmt(result.cpuMsPerRequest, 3)} CPU-ms/req, ${mine.unexpected} without x-cache ${expected}, ` +
            `${mine.withSources}/${querySet.length} with sources`,
        );
      });
    }
    return workers.map((_, w) => ({ ingest: ingested[w], search: searches[w] }));
  } finally {
    for (const agent of agents) agent.destroy();
  }
}

/**
 * Runs the suite. With `baseline` (a gateway built from another commit, bench/lib/baseline.mjs),
 * ingestion and /search are measured on it first, then on this checkout's gateway, in one run.
 * @param {{ gateway: Worker, baseline?: Worker & { commit: string }, ragIndex: Worker, indexLatency?: boolean, key: string, quick: boolean, log: (line: string) => void }} spec
 */
export async function runRagSuite({
  gateway,
  baseline,
  ragIndex,
  indexLatency: withIndex = true,
  key,
  quick,
  log,
}) {
  const settings = {
    indexQueries: quick ? 50 : 200,
    // ~3 chunks a document: the search figures are taken at ~5,000 chunks (~1,300 with --quick).
    documents: quick ? 400 : 1700,
    batch: 20,
    searchQueries: quick ? 40 : 100,
  };
  const index = withIndex ? await indexLatency({ ragIndex, queries: settings.indexQueries, log }) : [];
  const workers = [
    ...(baseline ? [{ name: `baseline ${baseline.commit}`, worker: baseline }] : []),
    { name: 'this checkout', worker: gateway },
  ];
  const measured = await gatewayRag({
    workers: workers.map((entry) => entry.worker),
    key,
    documents: settings.documents,
    batch: settings.batch,
    queries: settings.searchQueries,
    log,
  });
  const builds = workers.map((entry, i) => ({ name: entry.name, ...measured[i] }));
  return { settings, index, builds };
}
