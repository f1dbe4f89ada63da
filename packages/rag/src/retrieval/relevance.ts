import type { CorpusStats } from '../lexical/index.ts';

/**
 * Inverse document frequency as BM25 uses it (the "+1" form, never negative): a term in every
 * chunk weighs almost nothing, one in a single chunk weighs the most.
 */
export function idf(term: string, stats: CorpusStats): number {
  const n = stats.documentFrequency[term] ?? 0;
  return Math.log(1 + (stats.chunks - n + 0.5) / (n + 0.5));
}

/**
 * How much of the question a passage contains, in [0, 1]: the IDF-weighted share of the query's
 * terms found in the passage's title, heading path or text. A passage with every rare term of the
 * question scores near 1 whatever its length; one that shares only common words scores near 0.
 * It is the lexical side of a passage's relevance (see `retrieve`), on the same [0, 1] scale as a
 * cosine similarity, so one score floor and one confidence formula serve every retrieval mode.
 */
export function coverage(
  terms: readonly string[],
  passageTerms: readonly string[],
  stats: CorpusStats,
): number {
  const wanted = new Set(terms);
  if (wanted.size === 0) return 0;
  const found = new Set<string>();
  for (const term of passageTerms) if (wanted.has(term)) found.add(term);
  let total = 0;
  let matched = 0;
  for (const term of wanted) {
    const weight = idf(term, stats);
    total += weight;
    if (found.has(term)) matched += weight;
  }
  return total === 0 ? 0 : matched / total;
}
