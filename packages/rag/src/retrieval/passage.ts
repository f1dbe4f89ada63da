import { z } from 'zod';
import type { VectorMetadata } from '../vector/index.ts';

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
  /**
   * Relevance to the query in [0, 1]: what the score floor and answer confidence use (see
   * `retrieve`). In vector mode it is the cosine similarity.
   */
  score: number;
  /** Cosine similarity to the query, when the passage was among the vector candidates. */
  vectorScore?: number;
  /** The reranker's score, when reranking ran. */
  rerankScore?: number;
}

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

/** A passage from gateway metadata (lexical index or vector), or nothing for foreign metadata. */
export function toPassage(id: string, metadata: VectorMetadata | undefined, vectorScore?: number): Passage[] {
  const parsed = passageMetadataSchema.safeParse(metadata);
  // Anything without the gateway's metadata was not written by ingestion; it is not a passage.
  if (!parsed.success) return [];
  const m = parsed.data;
  const passage: Passage = {
    id,
    documentId: m.documentId,
    chunk: m.chunk,
    title: m.title ?? null,
    url: m.url ?? null,
    source: m.source ?? null,
    heading: m.heading,
    text: m.text,
    score: vectorScore ?? 0,
  };
  if (vectorScore !== undefined) passage.vectorScore = vectorScore;
  return [passage];
}

/** What a reranker (and a prompt) sees of a passage: its title and heading give the text context. */
export function passageText(passage: Pick<Passage, 'title' | 'heading' | 'text'>): string {
  return [passage.title, passage.heading, passage.text].filter(Boolean).join('\n');
}
