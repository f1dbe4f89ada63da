import { z } from 'zod';
import { WORKERS_AI_EMBEDDING_MODELS } from './embedding-models.ts';

const KV_MIN_TTL_SECONDS = 60;

export const RETRIEVAL_MODES = ['hybrid', 'vector', 'lexical'] as const;
export type RetrievalMode = (typeof RETRIEVAL_MODES)[number];
export const FUSION_METHODS = ['rrf', 'weighted'] as const;
export type FusionMethod = (typeof FUSION_METHODS)[number];

/**
 * An embedder id: `local/hash-<dimensions>` (offline, computed by our code),
 * `workers-ai/<model>` (the AI binding), or `<provider>/<model>` naming an OpenAI-compatible
 * provider from the tenant's `providers`.
 */
export const embedderIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,31}\/\S+$/, 'an embedder id "provider/model", e.g. "local/hash-384"')
  .superRefine((id, ctx) => {
    if (id.startsWith('local/')) {
      const match = /^local\/hash-(\d+)$/.exec(id);
      const dims = Number(match?.[1]);
      if (!match || dims < 8 || dims > 1536) {
        ctx.addIssue({ code: 'custom', message: 'the offline embedder is "local/hash-<8..1536>"' });
      }
    } else if (id.startsWith('workers-ai/') && !Object.hasOwn(WORKERS_AI_EMBEDDING_MODELS, id.slice(11))) {
      ctx.addIssue({
        code: 'custom',
        message: `Workers AI embedding models: ${Object.keys(WORKERS_AI_EMBEDDING_MODELS).join(', ')}`,
      });
    }
  });

/**
 * Retrieval settings for one tenant. Every default is written here, so a tenant config states only
 * what differs. Meant to be embedded in the tenant config schema as `rag`.
 */
export const ragSettingsSchema = z
  .object({
    embedder: embedderIdSchema
      .default('local/hash-384')
      .describe('Embedder for documents and queries. Changing it requires re-ingesting every document.'),
    embedderDimensions: z
      .int()
      .min(1)
      .max(1536)
      .optional()
      .describe('Output size of an OpenAI-compatible embedder (known for local and workers-ai).'),
    chunkTokens: z.int().min(32).max(2048).default(256).describe('Target chunk size in estimated tokens.'),
    overlapTokens: z
      .int()
      .min(0)
      .max(512)
      .default(32)
      .describe('Tokens of trailing context repeated at the start of the next chunk.'),
    topK: z.int().min(1).max(20).default(5).describe('Passages returned when a request does not say.'),
    scoreFloor: z
      .number()
      .min(-1)
      .max(1)
      .default(0.2)
      .describe(
        'Relevance (cosine similarity, or the share of the question found in the passage) below which a passage is not used; with none left, there is no answer.',
      ),
    retrieval: z
      .enum(RETRIEVAL_MODES)
      .default('hybrid')
      .describe(
        'hybrid: lexical (BM25) and vector candidates, fused; vector: embeddings only; lexical: BM25 only.',
      ),
    fusion: z
      .enum(FUSION_METHODS)
      .default('weighted')
      .describe(
        'How hybrid retrieval merges its candidate lists (BM25 chunks, vectors, whole documents): weighted (normalised scores) or rrf (reciprocal rank).',
      ),
    latent: z
      .boolean()
      .default(true)
      .describe(
        "Hybrid retrieval also ranks chunks by latent semantic similarity, from a model of the tenant's own corpus (finds passages worded differently from the question).",
      ),
    rerank: z
      .boolean()
      .default(true)
      .describe('Rerank candidates (lexical offline, Workers AI in production).'),
    maxChunks: z
      .int()
      .min(1)
      .max(1_000_000)
      .default(100_000)
      .describe('Most chunks the search index holds; an ingest past it fails with index_full.'),
    cacheTtlSeconds: z
      .int()
      .min(KV_MIN_TTL_SECONDS)
      .max(30 * 24 * 3600)
      .default(300)
      .describe('Search-answer cache lifetime (KV accepts 60 s at least).'),
    blocklist: z
      .array(z.string().trim().min(1).max(100))
      .max(500)
      .default([])
      .describe('Terms redacted from answers (case-insensitive, whole words).'),
  })
  .strict()
  .superRefine((settings, ctx) => {
    if (settings.overlapTokens * 2 > settings.chunkTokens) {
      ctx.addIssue({
        code: 'custom',
        path: ['overlapTokens'],
        message: 'overlapTokens may be at most half of chunkTokens',
      });
    }
    const builtIn = settings.embedder.startsWith('local/') || settings.embedder.startsWith('workers-ai/');
    if (!builtIn && settings.embedderDimensions === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['embedderDimensions'],
        message: 'an OpenAI-compatible embedder needs embedderDimensions',
      });
    }
  });

export type RagSettings = z.infer<typeof ragSettingsSchema>;
export type RagSettingsInput = z.input<typeof ragSettingsSchema>;

/** Settings with every default filled in (throws a ZodError on invalid input). */
export function resolveRagSettings(input: RagSettingsInput = {}): RagSettings {
  return ragSettingsSchema.parse(input);
}
