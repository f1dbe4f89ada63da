// The rag suite's tables (bench/lib/rag.mjs measures, this renders).
import { fmt, table } from './report.mjs';

/**
 * The suite's tables.
 * @param {Awaited<ReturnType<typeof import('./rag.mjs').runRagSuite>>} result
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
  const builds = /** @type {any[]} */ (result.builds);
  const ingestRows = [
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
  ];
  const searchRows = [
    [
      '/search (bench-rag)',
      'p50 ms',
      'p95 ms',
      'p99 ms',
      'mean ms',
      'CPU-ms/req',
      'x-cache as expected',
      'with sources',
    ],
  ];
  for (const build of builds) {
    const { ingest, search } = build;
    ingestRows.push([
      `${build.name}: ${ingest.documents} docs, ${fmt(ingest.corpusBytes / ingest.documents / 1024, 1)} KiB each`,
      String(ingest.documents),
      String(ingest.chunks),
      fmt(ingest.wallMs / 1000, 2),
      fmt(ingest.chunksPerSecond, 0),
      fmt(ingest.docsPerSecond, 0),
      fmt(ingest.cpuMsPerChunk, 3),
      fmt(ingest.batchMs.p50, 1),
    ]);
    for (const pass of ['cold', 'cached']) {
      const s = search[pass];
      searchRows.push([
        `${build.name}: ${pass} (${s.expectedCacheHeader})`,
        fmt(s.latencyMs.p50, 2),
        fmt(s.latencyMs.p95, 2),
        fmt(s.latencyMs.p99, 2),
        fmt(s.latencyMs.mean, 2),
        fmt(s.cpuMsPerRequest, 3),
        `${search.queries - s.unexpectedCacheHeader}/${search.queries}`,
        `${s.withSources}/${search.queries}`,
      ]);
    }
  }
  /** @param {number} value */
  const x = (value) => `${fmt(value, 2)}x`;
  const [first, last] = [builds[0], builds.at(-1)];
  if (builds.length > 1 && first && last) {
    const a = first.search.cold;
    const b = last.search.cold;
    searchRows.push([
      'cold: this checkout / baseline',
      x(b.latencyMs.p50 / a.latencyMs.p50),
      x(b.latencyMs.p95 / a.latencyMs.p95),
      x(b.latencyMs.p99 / a.latencyMs.p99),
      x(b.latencyMs.mean / a.latencyMs.mean),
      x(b.cpuMsPerRequest / a.cpuMsPerRequest),
      '',
      '',
    ]);
  }
  return [
    ...(result.index.length === 0
      ? ['(local index latency not measured: --rag-no-index)']
      : [
          table(indexRows),
          `Requests one at a time to bench/workers/rag-index.ts, timed by the client (ms); q/s = queries per second ` +
            `one at a time; floor = the same request without the query (HTTP + Worker). ${result.settings.indexQueries} ` +
            'queries per figure.',
        ]),
    '',
    table(ingestRows),
    '',
    table(searchRows),
    `${builds[0]?.search.queries ?? 0} queries, one at a time, each once per pass, over the ingested corpus; cold = ` +
      'first pass (cache MISS: retrieval + answer from the fake upstream), cached = second pass (HIT).',
  ].join('\n');
}
