import { GatewayError, tenantIdSchema } from '@aigw/core';
import { searchCacheKey, tenantPrefix, type SearchCacheRequest } from './key.ts';

/** KV refuses an `expirationTtl` under 60 seconds. */
export const KV_MIN_TTL_SECONDS = 60;

/** Where the tenant's corpus version comes from (the rag document registry implements it). */
export interface CorpusVersionSource {
  corpusVersion(): Promise<number>;
}

export interface TenantCacheOptions<T> {
  kv: KVNamespace;
  /** The resolved tenant; required, so no cache exists without one. */
  scope: { readonly tenantId: string };
  versions: CorpusVersionSource;
  /** The tenant's TTL; raised to KV's 60-second minimum. */
  ttlSeconds: number;
  /**
   * Checks a cached value's shape (e.g. `(v) => schema.safeParse(v).data`); `undefined` turns an
   * entry from an older release or a corrupted write into a miss instead of a bad response.
   */
  decode: (value: unknown) => T | undefined;
}

/** The result of a lookup; pass it back to `store` so the answer is filed under the same key. */
export interface CacheLookup<T> {
  key: string;
  corpusVersion: number;
  value: T | undefined;
  hit: boolean;
}

interface Envelope {
  tenantId: string;
  corpusVersion: number;
  value: unknown;
}

/**
 * A tenant-scoped KV cache for search answers. Keys carry the tenant and the corpus version, so
 * tenant B's lookup can never address tenant A's entry, and any ingest or delete (which bumps the
 * version) makes every earlier entry unreachable: they are never served and expire by TTL.
 *
 * `lookup` reads the version once and `store` reuses it: an answer computed while an ingest
 * landed is filed under the old version, which no later lookup reads, rather than under the new one.
 */
export class TenantCache<T> {
  readonly tenantId: string;
  private readonly options: TenantCacheOptions<T>;

  constructor(options: TenantCacheOptions<T>) {
    const parsed = tenantIdSchema.safeParse(options.scope.tenantId);
    if (!parsed.success) throw new GatewayError('internal', 'TenantCache was built without a valid tenant.');
    this.tenantId = parsed.data;
    this.options = options;
  }

  get ttlSeconds(): number {
    return Math.max(KV_MIN_TTL_SECONDS, Math.trunc(this.options.ttlSeconds));
  }

  async keyFor(request: SearchCacheRequest, corpusVersion?: number): Promise<string> {
    const version = corpusVersion ?? (await this.options.versions.corpusVersion());
    return searchCacheKey(this.tenantId, version, request);
  }

  async lookup(request: SearchCacheRequest): Promise<CacheLookup<T>> {
    const corpusVersion = await this.options.versions.corpusVersion();
    const key = await searchCacheKey(this.tenantId, corpusVersion, request);
    const raw = await this.options.kv.get<Envelope>(key, 'json');
    // The key already names the tenant and version; the envelope repeats them as a second lock.
    const value =
      raw !== null && raw.tenantId === this.tenantId && raw.corpusVersion === corpusVersion
        ? this.options.decode(raw.value)
        : undefined;
    return { key, corpusVersion, value, hit: value !== undefined };
  }

  async store(lookup: CacheLookup<T>, value: T, options: { ttlSeconds?: number } = {}): Promise<void> {
    if (!lookup.key.startsWith(tenantPrefix(this.tenantId))) {
      throw new GatewayError('internal', "A cache entry may only be stored under its own tenant's prefix.");
    }
    const envelope: Envelope = { tenantId: this.tenantId, corpusVersion: lookup.corpusVersion, value };
    const ttl = Math.max(KV_MIN_TTL_SECONDS, Math.trunc(options.ttlSeconds ?? this.ttlSeconds));
    await this.options.kv.put(lookup.key, JSON.stringify(envelope), { expirationTtl: ttl });
  }
}
