import type { FusionMethod } from '@aigw/rag/settings';

/** One retriever's candidates, best first, with its own scores (BM25, cosine, ...). */
export type RankedList = readonly { id: string; score: number }[];

export interface FusedCandidate {
  id: string;
  /** The fused score, scaled so the best candidate has 1. */
  score: number;
}

/**
 * The usual RRF constant (Cormack et al., 2009): large enough that the first few ranks of one list
 * do not drown everything else, small enough that rank still matters.
 */
export const RRF_K = 60;

/**
 * Merges ranked candidate lists into one, best first:
 * - `rrf`: reciprocal-rank fusion, Σ 1 / (RRF_K + rank) over the lists a candidate is in. It needs
 *   no calibration between BM25 and cosine scores, which live on unrelated scales;
 * - `weighted`: each list's scores min-max normalised to [0, 1], then averaged over all lists
 *   (a list that misses a candidate gives it 0).
 * Ties keep the order of first appearance, so the result is deterministic.
 */
export function fuse(
  lists: readonly RankedList[],
  method: FusionMethod,
  documents?: DocumentEvidence,
): FusedCandidate[] {
  const scores = new Map<string, number>();
  for (const list of lists) {
    const top = list[0]?.score ?? 0;
    const bottom = list.at(-1)?.score ?? 0;
    const range = top - bottom;
    list.forEach((entry, rank) => {
      const part =
        method === 'rrf'
          ? 1 / (RRF_K + rank + 1)
          : (range > 0 ? (entry.score - bottom) / range : 1) / lists.length;
      scores.set(entry.id, (scores.get(entry.id) ?? 0) + part);
    });
  }
  const fused = [...scores].map(([id, score]) => ({ id, score }));
  // Array.prototype.sort is stable: equal scores keep first-appearance order.
  fused.sort((a, b) => b.score - a.score);
  if (documents && documents.ranked.length > 0) {
    addDocumentEvidence(fused, method, documents, lists.length + 1);
    fused.sort((a, b) => b.score - a.score);
  }
  const best = fused[0]?.score ?? 0;
  return fused.map((entry) => ({ id: entry.id, score: best > 0 ? entry.score / best : 0 }));
}

/** Documents ranked as wholes, and the document of each candidate chunk that has a known one. */
export interface DocumentEvidence {
  ranked: readonly string[];
  documentOf: ReadonlyMap<string, string>;
}

/**
 * Document-level evidence as one more ranked list, given to each document's best candidate
 * chunk only: a question whose words are spread over a document (its title, several sections)
 * finds that document, while its other chunks do not crowd the candidates out.
 */
function addDocumentEvidence(
  fused: FusedCandidate[],
  method: FusionMethod,
  documents: DocumentEvidence,
  lists: number,
): void {
  const rank = new Map(documents.ranked.map((id, i) => [id, i]));
  const seen = new Set<string>();
  for (const candidate of fused) {
    const document = documents.documentOf.get(candidate.id);
    if (document === undefined || seen.has(document)) continue;
    seen.add(document);
    const position = rank.get(document);
    if (position === undefined) continue;
    const count = documents.ranked.length;
    candidate.score +=
      method === 'rrf' ? 1 / (RRF_K + position + 1) : (count > 1 ? 1 - position / (count - 1) : 1) / lists;
  }
}
