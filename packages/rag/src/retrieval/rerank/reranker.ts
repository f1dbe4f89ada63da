import type { CorpusStats } from '../../lexical/index.ts';

export interface RerankCandidate {
  id: string;
  /** Title, heading path and passage text. */
  text: string;
  /** The first-stage score the candidate was retrieved with, in [0, 1] (fused, or cosine). */
  score: number;
  /** `text` already through the lexical analyzer, when the caller has it (saves doing it twice). */
  terms?: readonly string[];
}

export interface RerankScore {
  id: string;
  /** Higher is better; only the order matters to retrieval. */
  score: number;
}

/** What retrieval knows about the query beyond its text, for rerankers that can use it. */
export interface RerankContext {
  /** The analysed query terms (see the lexical index). */
  terms: string[];
  /** The tenant's corpus statistics for those terms. */
  stats: CorpusStats;
}

/** Reorders retrieved candidates for a query; may return fewer than it was given. */
export interface Reranker {
  readonly id: string;
  rerank(query: string, candidates: RerankCandidate[], context?: RerankContext): Promise<RerankScore[]>;
}
