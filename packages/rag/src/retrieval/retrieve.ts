import { invalidRequest } from '@aigw/core';
import type { RetrievalMode } from '@aigw/rag/settings';
import { z } from 'zod';
import { queryTerms, type CorpusStats } from '../lexical/index.ts';
import { openTenant, type RagDeps } from '../pipeline/deps.ts';
import type { TenantScope } from '../scope/index.ts';
import { VECTORIZE_LIMITS, metadataFilterSchema, type MetadataFilter } from '../vector/index.ts';
import { gatherCandidates, loadPassages } from './candidates.ts';
import { fuse } from './fusion.ts';
import { coverage } from './relevance.ts';
import { passageText, type Passage } from './passage.ts';

export const retrieveRequestSchema = z
  .object({
    query: z.string().trim().min(1).max(4000),
    /** Clamped to 1..20 rather than refused: a large topK still gets the best 20. */
    topK: z.int().optional(),
    filter: metadataFilterSchema.optional(),
  })
  .strict();
export type RetrieveRequest = z.input<typeof retrieveRequestSchema>;

export interface RetrieveResult {
  passages: Passage[];
  /** The topK actually used after clamping. */
  topK: number;
  /** The retrieval mode the tenant's settings chose. */
  mode: RetrievalMode;
  /** Candidates after fusion, before the score floor (at most `RERANK_POOL`). */
  candidates: number;
  /** Candidates dropped by the score floor. */
  belowFloor: number;
  reranked: boolean;
  /**
   * Set when nothing was searched: the query has no word to search for (only stop words or
   * punctuation). Callers answer that plainly instead of "not found".
   */
  unsearchable?: 'no_terms';
}

/** Passages come back with their text, for which Vectorize allows at most 20 results. */
const MAX_TOPK = VECTORIZE_LIMITS.maxTopKWithPayload;
/**
 * Candidates fused, read and reranked: well beyond topK, so a passage that one retriever ranks
 * low but the other ranks high still reaches the reranker.
 */
export const RERANK_POOL = 40;

/** Gateway fields a caller may filter on directly; any other key means the caller's own metadata. */
const GATEWAY_FILTER_KEYS = new Set(['documentId', 'source']);

export function clampTopK(topK: number | undefined, fallback: number): number {
  return Math.min(Math.max(Math.trunc(topK ?? fallback), 1), MAX_TOPK);
}

/** Maps a caller filter onto stored metadata: caller keys live under `meta`. */
export function scopeFilter(filter: MetadataFilter): MetadataFilter {
  return Object.fromEntries(
    Object.entries(filter).map(([key, condition]) => [
      GATEWAY_FILTER_KEYS.has(key) ? key : `meta.${key}`,
      condition,
    ]),
  );
}

/**
 * Retrieves passages for a query in the tenant's corpus (modes in docs/search.md):
 * 1. candidates: BM25 over the tenant's lexical index and/or the nearest vectors, each a pool of
 *    up to 100 (Vectorize's limit for a query without metadata), both with the caller's filter;
 * 2. fusion of the two lists (`rag.fusion`), keeping the best `RERANK_POOL`;
 * 3. their text, read from the lexical index by id;
 * 4. relevance in [0, 1] (cosine, or the share of the question the passage holds), the score
 *    floor, and the reranker (with the corpus statistics) when `rag.rerank` is on; topK kept.
 */
export async function retrieve(
  deps: RagDeps,
  scope: TenantScope,
  request: RetrieveRequest,
): Promise<RetrieveResult> {
  const parsed = retrieveRequestSchema.safeParse(request);
  if (!parsed.success) throw invalidRequest(parsed.error);
  const { query } = parsed.data;
  const filter = parsed.data.filter === undefined ? undefined : scopeFilter(parsed.data.filter);
  const topK = clampTopK(parsed.data.topK, deps.settings.topK);
  const mode = deps.settings.retrieval;
  const empty = { passages: [], topK, mode, candidates: 0, belowFloor: 0, reranked: false };
  const terms = queryTerms(query);
  // Nothing to match and nothing to embed meaningfully: say so rather than rank noise.
  if (terms.length === 0) return { ...empty, unsearchable: 'no_terms' };

  const tenant = openTenant(deps, scope);
  const lists = await gatherCandidates(deps, tenant, { query, mode, filter });
  const fused = fuse(lists.ranked, deps.settings.fusion, lists.documents).slice(0, RERANK_POOL);
  if (fused.length === 0) return empty;
  const { passages: loaded, analysed, stats } = await loadPassages(tenant, fused, terms, lists.cosine);
  const scored = loaded.map((passage) => ({
    ...passage,
    score: relevance(
      mode,
      passage,
      terms,
      analysed.get(passage.id) ?? [],
      stats,
      lists.latent.get(passage.id),
    ),
  }));
  const kept = scored.filter((passage) => passage.score >= deps.settings.scoreFloor);
  const reranker = deps.settings.rerank ? deps.reranker : undefined;
  let passages = kept;
  if (reranker && kept.length > 1) {
    const firstStage = new Map(fused.map((entry) => [entry.id, entry.score]));
    const scores = await reranker.rerank(
      query,
      kept.map((passage) => ({
        id: passage.id,
        text: passageText(passage),
        score: firstStage.get(passage.id) ?? 0,
        terms: analysed.get(passage.id) ?? [],
      })),
      { terms, stats },
    );
    const byId = new Map(kept.map((passage) => [passage.id, passage]));
    passages = scores
      .flatMap((entry) => {
        const passage = byId.get(entry.id);
        return passage ? [{ ...passage, rerankScore: entry.score }] : [];
      })
      .sort((a, b) => b.rerankScore - a.rerankScore || b.score - a.score);
  }
  return {
    passages: passages.slice(0, topK),
    topK,
    mode,
    candidates: scored.length,
    belowFloor: scored.length - kept.length,
    reranked: reranker !== undefined && kept.length > 1,
  };
}

/**
 * A passage's relevance in [0, 1], what the score floor and answer confidence are measured on:
 * its cosine similarity in vector mode, the share of the question it contains in lexical mode,
 * and the better of the two in hybrid mode (a passage found by either signal is as relevant as
 * that signal says). A candidate outside the vector pool has no cosine; its lexical side decides.
 */
function relevance(
  mode: RetrievalMode,
  passage: Passage,
  terms: readonly string[],
  passageTerms: readonly string[],
  stats: CorpusStats,
  latent: number | undefined,
): number {
  const lexical = coverage(terms, passageTerms, stats);
  if (mode === 'lexical') return lexical;
  if (mode === 'vector') return passage.vectorScore ?? 0;
  return Math.max(passage.vectorScore ?? 0, lexical, latent ?? 0);
}
