import { lexicalTerms } from '../../lexical/index.ts';
import { idf } from '../relevance.ts';
import type { RerankCandidate, RerankContext, RerankScore, Reranker } from './reranker.ts';

/** BM25's usual constants: term-frequency saturation and length normalisation. */
const K1 = 1.2;
const B = 0.75;

/**
 * The offline reranker (the stand-in for Workers AI's cross-encoder): BM25 over each candidate's
 * title, heading path and text, weighted with the tenant's corpus statistics when retrieval
 * passes them (otherwise with statistics of the candidates themselves), normalised to [0, 1] and
 * blended with the first-stage score. The blend keeps what fusion or the embedder saw while exact
 * query terms decide close calls.
 */
export class LexicalReranker implements Reranker {
  readonly id = 'local/bm25';

  constructor(private readonly lexicalWeight = 0.5) {}

  rerank(query: string, candidates: RerankCandidate[], context?: RerankContext): Promise<RerankScore[]> {
    const queryTerms = context?.terms ?? [...new Set(lexicalTerms(query))];
    const docs = candidates.map((candidate) => candidate.terms ?? lexicalTerms(candidate.text));
    const stats = context?.stats ?? candidateStats(docs);
    const avgLength = stats.averageTerms > 0 ? stats.averageTerms : 1;
    const wanted = new Set(queryTerms);
    const bm25 = docs.map((doc) => {
      // Frequencies of the query's terms only: a passage has a few hundred terms, a query a few.
      const tf = new Map<string, number>();
      for (const term of doc) if (wanted.has(term)) tf.set(term, (tf.get(term) ?? 0) + 1);
      let score = 0;
      for (const term of wanted) {
        const f = tf.get(term) ?? 0;
        if (f === 0) continue;
        score += (idf(term, stats) * f * (K1 + 1)) / (f + K1 * (1 - B + (B * doc.length) / avgLength));
      }
      return score;
    });
    const max = Math.max(...bm25, 0);
    return Promise.resolve(
      candidates.map((candidate, i) => ({
        id: candidate.id,
        score:
          this.lexicalWeight * (max > 0 ? (bm25[i] ?? 0) / max : 0) +
          (1 - this.lexicalWeight) * candidate.score,
      })),
    );
  }
}

/** Statistics of the candidates alone, for a caller that has none of the corpus. */
function candidateStats(docs: readonly (readonly string[])[]): RerankContext['stats'] {
  const documentFrequency: Record<string, number> = {};
  for (const doc of docs)
    for (const term of new Set(doc)) documentFrequency[term] = (documentFrequency[term] ?? 0) + 1;
  const total = docs.reduce((sum, doc) => sum + doc.length, 0);
  return {
    chunks: docs.length,
    averageTerms: docs.length === 0 ? 0 : total / docs.length,
    documentFrequency,
  };
}
