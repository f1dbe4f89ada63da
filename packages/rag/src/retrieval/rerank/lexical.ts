import { terms } from '../../text/index.ts';
import type { RerankCandidate, RerankScore, Reranker } from './reranker.ts';

/** BM25's usual constants: term-frequency saturation and length normalisation. */
const K1 = 1.2;
const B = 0.75;

/**
 * An offline reranker: BM25 over the candidate passages (document frequencies taken from the
 * candidates themselves), normalised to [0, 1] and blended with the vector score. The blend keeps
 * the embedder's view of meaning while exact query terms, which hashed vectors blur, decide close
 * calls.
 */
export class LexicalReranker implements Reranker {
  readonly id = 'local/bm25';

  constructor(private readonly lexicalWeight = 0.5) {}

  rerank(query: string, candidates: RerankCandidate[]): Promise<RerankScore[]> {
    const queryTerms = [...new Set(terms(query))];
    const docs = candidates.map((candidate) => terms(candidate.text));
    const avgLength = docs.reduce((sum, doc) => sum + doc.length, 0) / Math.max(docs.length, 1) || 1;
    const df = new Map<string, number>();
    for (const doc of docs) for (const term of new Set(doc)) df.set(term, (df.get(term) ?? 0) + 1);
    const bm25 = docs.map((doc) => {
      const tf = new Map<string, number>();
      for (const term of doc) tf.set(term, (tf.get(term) ?? 0) + 1);
      let score = 0;
      for (const term of queryTerms) {
        const f = tf.get(term) ?? 0;
        if (f === 0) continue;
        const n = df.get(term) ?? 0;
        const idf = Math.log(1 + (docs.length - n + 0.5) / (n + 0.5));
        score += (idf * f * (K1 + 1)) / (f + K1 * (1 - B + (B * doc.length) / avgLength));
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
