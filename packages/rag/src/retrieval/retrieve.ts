import { invalidRequest } from '@aigw/core';
import { z } from 'zod';
import { openTenant, type RagDeps } from '../pipeline/deps.ts';
import type { TenantScope } from '../scope/index.ts';
import {
  VECTORIZE_LIMITS,
  metadataFilterSchema,
  type MetadataFilter,
  type VectorMatch,
} from '../vector/index.ts';

export const retrieveRequestSchema = z
  .object({
    query: z.string().trim().min(1).max(4000),
    /** Clamped to 1..20 rather than refused: a large topK still gets the best 20. */
    topK: z.int().optional(),
    filter: metadataFilterSchema.optional(),
  })
  .strict();
export type RetrieveRequest = z.input<typeof retrieveRequestSchema>;

/** A retrieved passage with everything a source citation needs. */
export interface Passage {
  /** Vector id of the chunk. */
  id: string;
  documentId: string;
  chunk: number;
  title: string | null;
  url: string | null;
  source: string | null;
  /** Heading path, e.g. "Billing > Refunds" (empty for text without headings). */
  heading: string;
  text: string;
  /** Cosine similarity to the query. */
  score: number;
  /** The reranker's score, when reranking ran. */
  rerankScore?: number;
}

export interface RetrieveResult {
  passages: Passage[];
  /** The topK actually used after clamping. */
  topK: number;
  /** Matches the index returned before the score floor. */
  candidates: number;
  /** Candidates dropped by the score floor. */
  belowFloor: number;
  reranked: boolean;
}

/**
 * Passages are returned with their text (all metadata), for which Vectorize allows at most 20
 * results; retrieval asks for that many when reranking so the reranker has a pool to choose from.
 */
const MAX_TOPK = VECTORIZE_LIMITS.maxTopKWithPayload;

/** Gateway fields a caller may filter on directly; any other key means the caller's own metadata. */
const GATEWAY_FILTER_KEYS = new Set(['documentId', 'source']);

const passageMetadataSchema = z.object({
  tenant: z.string(),
  documentId: z.string(),
  chunk: z.number(),
  heading: z.string().default(''),
  text: z.string(),
  title: z.string().optional(),
  url: z.string().optional(),
  source: z.string().optional(),
});

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
 * Retrieves passages for a query in the tenant's corpus: validate, embed the query, search the
 * tenant's namespace, drop passages under the score floor, optionally rerank, keep topK.
 */
export async function retrieve(
  deps: RagDeps,
  scope: TenantScope,
  request: RetrieveRequest,
): Promise<RetrieveResult> {
  const parsed = retrieveRequestSchema.safeParse(request);
  if (!parsed.success) throw invalidRequest(parsed.error);
  const { query, filter } = parsed.data;
  const topK = clampTopK(parsed.data.topK, deps.settings.topK);
  const reranker = deps.settings.rerank ? deps.reranker : undefined;
  const { index } = openTenant(deps, scope);
  const [vector] = await deps.embedder.embed([query]);
  const result = await index.query(vector ?? [], {
    topK: reranker ? MAX_TOPK : topK,
    returnMetadata: 'all',
    ...(filter === undefined ? {} : { filter: scopeFilter(filter) }),
  });
  const candidates = result.matches.flatMap(toPassage);
  const kept = candidates.filter((passage) => passage.score >= deps.settings.scoreFloor);
  let passages = kept;
  if (reranker && kept.length > 1) {
    const scores = await reranker.rerank(
      query,
      kept.map((passage) => ({ id: passage.id, text: passageText(passage), score: passage.score })),
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
    candidates: candidates.length,
    belowFloor: candidates.length - kept.length,
    reranked: reranker !== undefined && kept.length > 1,
  };
}

/** What a reranker (and a prompt) sees of a passage: its title and heading give the text context. */
export function passageText(passage: Pick<Passage, 'title' | 'heading' | 'text'>): string {
  return [passage.title, passage.heading, passage.text].filter(Boolean).join('\n');
}

function toPassage(match: VectorMatch): Passage[] {
  const metadata = passageMetadataSchema.safeParse(match.metadata);
  // A vector without the gateway's metadata was not written by ingestion; it is not a passage.
  if (!metadata.success) return [];
  const m = metadata.data;
  return [
    {
      id: match.id,
      documentId: m.documentId,
      chunk: m.chunk,
      title: m.title ?? null,
      url: m.url ?? null,
      source: m.source ?? null,
      heading: m.heading,
      text: m.text,
      score: match.score,
    },
  ];
}
