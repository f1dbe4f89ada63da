export { assertScope } from './scope/index.ts';
export type { TenantScope } from './scope/index.ts';
export * from './vector/index.ts';
export * from './embedders/index.ts';
export { DEFAULT_CHUNK_SETTINGS, chunkText, estimateTokens } from './text/index.ts';
export type { Chunk, ChunkSettings } from './text/index.ts';
export * from './registry/index.ts';
export { LexicalIndex, LexicalIndexDO } from './lexical/index.ts';
export type {
  CorpusStats,
  IndexedChunk,
  LexicalHit,
  LexicalIndexStats,
  LexicalSearchOptions,
  LexicalSearchResult,
  StoredChunk,
} from './lexical/index.ts';
export { localVectorStores, openTenant, vectorizeStores } from './pipeline/deps.ts';
export type { RagDeps, VectorStoreFactory } from './pipeline/deps.ts';
export * from './ingest/index.ts';
export * from './retrieval/index.ts';
export * from './answer/index.ts';
export * from '@aigw/rag/settings';
