export type { AiRunner, Embedder, EmbedderInfo } from './embedder.ts';
export { DEFAULT_HASH_DIMENSIONS, HashingEmbedder } from './hashing.ts';
export { WORKERS_AI_EMBEDDING_MODELS, WorkersAiEmbedder } from './workers-ai.ts';
export type { WorkersAiEmbeddingModel } from './workers-ai.ts';
export { OpenAiCompatibleEmbedder } from './openai-compatible.ts';
export type { OpenAiCompatibleEmbedderOptions } from './openai-compatible.ts';
export { createEmbedder } from './create.ts';
export type { EmbedderDeps, EmbeddingUpstream } from './create.ts';
