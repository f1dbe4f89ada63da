export { canonicalJson, normaliseQuery, searchCacheKey, tenantPrefix } from './key.ts';
export type { SearchCacheRequest } from './key.ts';
export { KV_MIN_TTL_SECONDS, TenantCache } from './tenant-cache.ts';
export type { CacheLookup, CorpusVersionSource, TenantCacheOptions } from './tenant-cache.ts';
export { ResponseCache } from './response-cache.ts';
export type { ResponseCacheOptions } from './response-cache.ts';
