// `npm run eval:rag`: the retrieval quality suite. Ingests the corpus in ./corpus into one tenant
// per retrieval mode of the real gateway (bundled and run in workerd through the Miniflare API,
// as the bench does: real Durable Objects, the offline embedder, no network), asks every question
// through `POST /search`, and ranks the documents of the returned passages. A plain BM25 over
// whole documents (./bm25.ts) answers the same questions in the same run as the baseline.
// Prints recall@1, recall@5 and MRR@10 per question kind for every mode; the last line is
//   eval:rag: hybrid recall@5 <x> MRR <y>; bm25 recall@5 <a> MRR <b>
import { parseArgs } from 'node:util';
import { cpuMsOf } from '../../bench/lib/cpu.mjs';
import {
  benchApiKey,
  bundleWorkers,
  compileBenchRegistry,
  gatewayConfigOptions,
  keyHash,
  startWorker,
} from '../../bench/lib/workers.mjs';
import { Bm25Documents } from './bm25.ts';
import { loadCorpus, type CorpusDocument } from './corpus.ts';
import { documentsInOrder, firstGoldRank, scoreByKind } from './metrics.ts';
import { QUESTIONS, QUESTION_KINDS, type Question, type QuestionKind } from './questions.ts';
import { SPLITS, questionsIn, type Split } from './split.ts';

/** Each variant is a tenant whose `rag` settings differ only in what is measured. */
const VARIANTS: Record<string, Record<string, unknown>> = {
  // The default mode and fusion (weighted, which measured better than RRF here).
  hybrid: { retrieval: 'hybrid', fusion: 'weighted' },
  // Without the latent semantic list: what the tenant's corpus model adds.
  'hybrid-no-latent': { retrieval: 'hybrid', fusion: 'weighted', latent: false },
  'hybrid-rrf': { retrieval: 'hybrid', fusion: 'rrf' },
  vector: { retrieval: 'vector' },
  lexical: { retrieval: 'lexical' },
  // The tenant defaults, whatever they are in the code being measured.
  defaults: {},
};
const DEFAULT_VARIANTS = ['hybrid', 'hybrid-no-latent', 'hybrid-rrf', 'vector', 'lexical'];
/** The most passages /search returns; their documents, deduplicated, are the ranking scored. */
const TOP_K = 20;
const INGEST_BATCH = 20;

const { values: args } = parseArgs({
  options: {
    variants: { type: 'string' },
    // Ask only one half of the questions (./split.ts): `tuning` while choosing parameters.
    split: { type: 'string' },
    verbose: { type: 'boolean', default: false },
  },
});
const variants = args.variants?.split(',').map((name) => name.trim()) ?? DEFAULT_VARIANTS;
if (args.split !== undefined && !(SPLITS as readonly string[]).includes(args.split)) {
  console.error(`unknown split "${args.split}"; known: ${SPLITS.join(', ')}`);
  process.exit(2);
}
const onlySplit = args.split as Split | undefined;
const asked = onlySplit === undefined ? QUESTIONS : questionsIn(QUESTIONS, onlySplit);
for (const name of variants) {
  if (!Object.hasOwn(VARIANTS, name)) {
    console.error(`unknown variant "${name}"; known: ${Object.keys(VARIANTS).join(', ')}`);
    process.exit(2);
  }
}
const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

interface Tenant {
  variant: string;
  id: string;
  key: string;
}

function tenantConfig(tenant: Tenant): { id: string } & Record<string, unknown> {
  return {
    id: tenant.id,
    name: `Retrieval eval (${tenant.variant})`,
    environments: ['development'],
    apiKeys: [
      {
        id: 'eval',
        hash: keyHash(tenant.key),
        scopes: ['search', 'ingest'],
        label: 'eval',
        createdAt: '2026-01-01T00:00:00Z',
      },
    ],
    // The offline model: /search answers extractively, so nothing but retrieval is measured.
    models: { chat: 'local/echo-1', allowed: ['local/echo-1'] },
    features: { rag: true },
    rag: VARIANTS[tenant.variant],
    limits: { maxBodyBytes: 10 * 1024 * 1024 },
  };
}

async function call(base: string, tenant: Tenant, path: string, body: unknown): Promise<unknown> {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${tenant.key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${path} for ${tenant.id} answered ${res.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as unknown;
}

async function ingest(base: string, tenant: Tenant, corpus: readonly CorpusDocument[]): Promise<number> {
  let chunks = 0;
  for (let start = 0; start < corpus.length; start += INGEST_BATCH) {
    const documents = corpus.slice(start, start + INGEST_BATCH).map((doc) => ({
      id: doc.id,
      title: doc.title,
      text: doc.text,
      source: doc.package,
      ...(doc.url === undefined ? {} : { url: doc.url }),
    }));
    const result = (await call(base, tenant, '/ingest', { documents })) as {
      failed: unknown[];
      chunks: number;
    };
    if (result.failed.length > 0) throw new Error(`ingest failed: ${JSON.stringify(result.failed)}`);
    chunks += result.chunks;
  }
  return chunks;
}

async function rankedDocuments(base: string, tenant: Tenant, question: Question): Promise<string[]> {
  const answer = (await call(base, tenant, '/search', { query: question.question, topK: TOP_K })) as {
    sources: { documentId: string }[];
  };
  return documentsInOrder(answer.sources.map((source) => source.documentId));
}

const pct = (value: number): string => value.toFixed(3);

interface Row {
  name: string;
  ranks: ReadonlyMap<string, number | undefined>;
}

function table(rows: readonly Row[], questions: readonly Question[]): string {
  const groups: (QuestionKind | 'all')[] = [...QUESTION_KINDS, 'all'];
  const header = ['mode', ...groups.flatMap((g) => [`${g} R@1`, `${g} R@5`, `${g} MRR@10`])];
  const lines = rows.map((row) => {
    const scores = scoreByKind(questions, row.ranks, QUESTION_KINDS);
    return [
      row.name,
      ...groups.flatMap((g) => [pct(scores[g].recallAt1), pct(scores[g].recallAt5), pct(scores[g].mrrAt10)]),
    ];
  });
  const widths = header.map((cell, i) => Math.max(cell.length, ...lines.map((line) => line[i]?.length ?? 0)));
  const render = (cells: string[]) =>
    `| ${cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join(' | ')} |`;
  return [
    render(header),
    `| ${widths.map((w, i) => (i === 0 ? '-'.repeat(w) : `${'-'.repeat(w - 1)}:`)).join(' | ')} |`,
    ...lines.map(render),
  ].join('\n');
}

const cleanups: (() => Promise<void>)[] = [];
try {
  const corpus = loadCorpus();
  const counts = QUESTION_KINDS.map((kind) => `${QUESTIONS.filter((q) => q.kind === kind).length} ${kind}`);
  log(`corpus: ${corpus.length} documents; questions: ${QUESTIONS.length} (${counts.join(', ')})`);
  const tenants: Tenant[] = variants.map((variant) => {
    const id = `eval-${variant}`;
    return { variant, id, key: benchApiKey(id) };
  });
  const registry = await compileBenchRegistry(1, tenants.map(tenantConfig));
  const bundles = await bundleWorkers(registry);
  cleanups.push(bundles.cleanup);
  const { runtime, bindings } = gatewayConfigOptions();
  const gateway = await startWorker({
    name: 'gateway',
    scriptPath: bundles.gatewayPath,
    runtime,
    options: bindings,
  });
  cleanups.push(gateway.dispose);

  const rows: Row[] = [];
  for (const tenant of tenants) {
    const ingestStart = performance.now();
    const ingestCpu = cpuMsOf(gateway.pids);
    const chunks = await ingest(gateway.url, tenant, corpus);
    const ingestMs = performance.now() - ingestStart;
    const ingestCpuMs = cpuMsOf(gateway.pids) - ingestCpu;
    const ranks = new Map<string, number | undefined>();
    const searchStart = performance.now();
    const searchCpu = cpuMsOf(gateway.pids);
    for (const question of asked) {
      const ranked = await rankedDocuments(gateway.url, tenant, question);
      const rank = firstGoldRank(ranked, question.gold);
      ranks.set(question.id, rank);
      if (args.verbose && rank !== 1) {
        log(
          `  ${tenant.variant} ${question.id} rank ${rank ?? '-'}: ${question.question} → ${ranked.slice(0, 3).join(', ')}`,
        );
      }
    }
    const searchMs = (performance.now() - searchStart) / asked.length;
    const searchCpuMs = (cpuMsOf(gateway.pids) - searchCpu) / asked.length;
    // Informational (the bench measures speed properly): CPU of the workerd process is steadier
    // than wall time on a shared machine.
    log(
      `${tenant.variant}: ${chunks} chunks ingested in ${(ingestMs / 1000).toFixed(1)} s ` +
        `(${(ingestCpuMs / chunks).toFixed(2)} CPU-ms/chunk); ${searchMs.toFixed(1)} ms and ` +
        `${searchCpuMs.toFixed(1)} CPU-ms per /search`,
    );
    rows.push({ name: tenant.variant, ranks });
  }

  const bm25 = new Bm25Documents(corpus);
  const bm25Ranks = new Map(asked.map((q) => [q.id, firstGoldRank(bm25.search(q.question), q.gold)]));
  if (args.verbose) {
    for (const q of asked) {
      const rank = bm25Ranks.get(q.id);
      if (rank !== 1) log(`  bm25 ${q.id} rank ${rank ?? '-'}: ${q.question}`);
    }
  }
  rows.push({ name: 'bm25 (whole documents)', ranks: bm25Ranks });

  const halves = onlySplit === undefined ? SPLITS : [onlySplit];
  for (const split of halves) {
    const questions = questionsIn(QUESTIONS, split);
    console.log(`\n${split} half (${questions.length} questions):\n${table(rows, questions)}`);
  }
  if (onlySplit === undefined) console.log(`\nall ${asked.length} questions:\n${table(rows, asked)}`);
  const headline = rows.find((row) => row.name === 'hybrid') ?? rows[0];
  const baseline = rows.at(-1);
  if (headline && baseline) {
    const all = (row: Row) => scoreByKind(asked, row.ranks, QUESTION_KINDS).all;
    const [h, b] = [all(headline), all(baseline)];
    console.log(
      `eval:rag: ${headline.name} recall@5 ${pct(h.recallAt5)} MRR ${pct(h.mrrAt10)}; ` +
        `bm25 recall@5 ${pct(b.recallAt5)} MRR ${pct(b.mrrAt10)}` +
        (onlySplit === undefined ? '' : ` (${onlySplit} half only)`),
    );
  }
} finally {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
}
