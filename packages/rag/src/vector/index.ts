export { VectorIndexDO } from './vector-index-do.ts';
export { LocalVectorStore } from './local-store.ts';
export { VectorizeStore } from './vectorize-store.ts';
export type { VectorizeBinding } from './vectorize-store.ts';
export { TenantVectorIndex } from './tenant-index.ts';
export type {
  IndexManifest,
  ScopedQueryOptions,
  ScopedVector,
  TenantVectorIndexOptions,
} from './tenant-index.ts';
export { VECTORIZE_LIMITS, maxTopKFor } from './limits.ts';
export { matchesFilter } from './filter.ts';
export { vectorId } from './ids.ts';
export { metadataFilterSchema } from './types.ts';
export type {
  MetadataFilter,
  MetadataReturn,
  MetadataScalar,
  MetadataValue,
  VectorMatch,
  VectorMatches,
  VectorMetadata,
  VectorMutation,
  VectorQueryOptions,
  VectorRecord,
  VectorStore,
} from './types.ts';
