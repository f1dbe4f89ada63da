// The list lives in settings because the tenant schema validates embedder ids against it.
/** Workers AI text-embedding models and their output sizes. */
export const WORKERS_AI_EMBEDDING_MODELS = {
  '@cf/baai/bge-small-en-v1.5': 384,
  '@cf/baai/bge-base-en-v1.5': 768,
  '@cf/baai/bge-large-en-v1.5': 1024,
} as const;
export type WorkersAiEmbeddingModel = keyof typeof WORKERS_AI_EMBEDDING_MODELS;
