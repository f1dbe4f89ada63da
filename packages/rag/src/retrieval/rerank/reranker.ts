export interface RerankCandidate {
  id: string;
  /** Title, heading path and passage text. */
  text: string;
  /** The vector (cosine) score the candidate was retrieved with. */
  score: number;
}

export interface RerankScore {
  id: string;
  /** Higher is better; only the order matters to retrieval. */
  score: number;
}

/** Reorders retrieved candidates for a query; may return fewer than it was given. */
export interface Reranker {
  readonly id: string;
  rerank(query: string, candidates: RerankCandidate[]): Promise<RerankScore[]>;
}
