import { beforeAll, describe, expect, it } from 'vitest';
import { freshTenant, ragDeps } from '../../test/helpers.ts';
import { CORPUS, QUESTIONS } from '../../test/fixtures/corpus.ts';
import { ingestDocuments } from '../ingest/index.ts';
import type { RagSettingsInput } from '@aigw/rag/settings';
import { retrieve } from './retrieve.ts';

/**
 * Retrieval quality over the fixture corpus with the offline embedder (the default). The thresholds
 * sit a little under today's numbers: a change to chunking, the embedder or the reranker that makes
 * retrieval worse fails here, and the numbers are printed so improvements are visible too.
 */
const MIN_RECALL_AT_5 = 0.95;
const MIN_MRR = 0.9;

interface Quality {
  recallAt5: number;
  mrr: number;
  misses: string[];
}

async function measure(settings: RagSettingsInput): Promise<Quality> {
  const scope = freshTenant('quality');
  const deps = ragDeps({ scoreFloor: 0, ...settings });
  const ingested = await ingestDocuments(deps, scope, CORPUS);
  expect(ingested.failed).toEqual([]);
  expect(ingested.added).toHaveLength(CORPUS.length);
  let hits = 0;
  let reciprocal = 0;
  const misses: string[] = [];
  for (const { question, expected } of QUESTIONS) {
    const { passages } = await retrieve(deps, scope, { query: question, topK: 5 });
    const ranked = [...new Set(passages.map((passage) => passage.documentId))];
    const rank = ranked.indexOf(expected) + 1;
    if (rank > 0) {
      hits += 1;
      reciprocal += 1 / rank;
    }
    if (rank !== 1)
      misses.push(`${question} → expected ${expected} at ${rank || '>5'}, got ${ranked[0] ?? 'none'}`);
  }
  return { recallAt5: hits / QUESTIONS.length, mrr: reciprocal / QUESTIONS.length, misses };
}

/** The larger suite over a real corpus is `npm run eval:rag` (docs/search.md); this one runs in `npm test`. */
describe('retrieval quality (fixture corpus, offline embedder)', () => {
  const results = new Map<string, Quality>();
  const variants: Record<string, RagSettingsInput> = {
    'hybrid (default)': {},
    'hybrid, no rerank': { rerank: false },
    vector: { retrieval: 'vector' },
    lexical: { retrieval: 'lexical' },
  };

  beforeAll(async () => {
    for (const [name, settings] of Object.entries(variants)) results.set(name, await measure(settings));
    const fmt = (q: Quality): string => `recall@5=${q.recallAt5.toFixed(3)} MRR=${q.mrr.toFixed(3)}`;
    console.log(
      `[rag quality] ${CORPUS.length} docs, ${QUESTIONS.length} questions\n` +
        [...results].map(([name, q]) => `  ${name.padEnd(18)} ${fmt(q)}`).join('\n') +
        '\n' +
        [...results].flatMap(([name, q]) => q.misses.map((m) => `  not first (${name}): ${m}`)).join('\n'),
    );
  });

  it(`keeps recall@5 ≥ ${MIN_RECALL_AT_5} and MRR ≥ ${MIN_MRR} with the default settings`, () => {
    const hybrid = results.get('hybrid (default)');
    expect(hybrid?.recallAt5).toBeGreaterThanOrEqual(MIN_RECALL_AT_5);
    expect(hybrid?.mrr).toBeGreaterThanOrEqual(MIN_MRR);
  });

  it('keeps every other mode useful as well', () => {
    for (const name of ['hybrid, no rerank', 'vector', 'lexical']) {
      expect(results.get(name)?.recallAt5, name).toBeGreaterThanOrEqual(MIN_RECALL_AT_5 - 0.1);
      expect(results.get(name)?.mrr, name).toBeGreaterThanOrEqual(MIN_MRR - 0.1);
    }
  });
});
