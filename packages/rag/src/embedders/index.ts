export type { AiRunner, Embedder, EmbedderInfo } from './embedder.ts';
export { DEFAULT_HASH_DIMENSIONS, HashingEmbedder } from './hashing.ts';
// The model list is a setting (the tenant schema checks embedder ids against it): @aigw/rag/settings.
export { WorkersAiEmbedder } from './workers-ai.ts';
export { OpenAiCompatibleEmbedder } from './openai-compatible.ts';
export type { OpenAiCompatibleEmbedderOptions } from './openai-compatible.ts';
export { createEmbedder } from './create.ts';
export type { EmbedderDeps, EmbeddingUpstream } from './create.ts';
