import { GatewayError } from '@aigw/core';
import type { EmbedderInfo } from '../embedders/index.ts';
import { assertScope, type TenantScope } from '../scope/index.ts';
import type {
  VectorMatches,
  VectorMetadata,
  VectorMutation,
  VectorQueryOptions,
  VectorRecord,
  VectorStore,
} from './types.ts';

/**
 * Where the tenant's index records the embedder it was built with. The document registry
 * implements it, so the record lives with the tenant whichever vector backend is used (Vectorize
 * has no place to keep it).
 */
export interface IndexManifest {
  /** Records the embedder for an empty index, or refuses a different one (`embedding_mismatch`). */
  bindEmbedder(embedder: EmbedderInfo): Promise<void>;
  /** Refuses a query with a different embedder than the index was built with (`embedding_mismatch`). */
  checkEmbedder(embedder: EmbedderInfo): Promise<void>;
}

/** A vector to write: the namespace is not the caller's to choose. */
export type ScopedVector = Omit<VectorRecord, 'namespace'>;
export type ScopedQueryOptions = Omit<VectorQueryOptions, 'namespace'>;

export interface TenantVectorIndexOptions {
  store: VectorStore;
  scope: TenantScope;
  embedder: EmbedderInfo;
  manifest: IndexManifest;
}

/**
 * The only way pipeline code touches vectors. The namespace is always the resolved tenant's id,
 * set here and never taken from the caller; reads are filtered to that namespace again on the way
 * out (defence in depth for a shared Vectorize index); and the embedder must match the one the
 * index was built with.
 */
export class TenantVectorIndex {
  readonly tenantId: string;
  private readonly store: VectorStore;
  private readonly embedder: EmbedderInfo;
  private readonly manifest: IndexManifest;
  private checked = false;

  constructor(options: TenantVectorIndexOptions) {
    this.tenantId = assertScope(options.scope).tenantId;
    this.store = options.store;
    this.embedder = { id: options.embedder.id, dimensions: options.embedder.dimensions };
    this.manifest = options.manifest;
  }

  async upsert(vectors: ScopedVector[]): Promise<VectorMutation> {
    vectors.forEach((vector) => {
      this.checkDimensions(vector.values.length);
    });
    await this.manifest.bindEmbedder(this.embedder);
    this.checked = true;
    return this.store.upsert(vectors.map((vector) => ({ ...vector, namespace: this.tenantId })));
  }

  async query(vector: number[], options: ScopedQueryOptions = {}): Promise<VectorMatches> {
    this.checkDimensions(vector.length);
    if (!this.checked) {
      await this.manifest.checkEmbedder(this.embedder);
      this.checked = true;
    }
    const result = await this.store.query(vector, { ...options, namespace: this.tenantId });
    // The store already searched only this namespace; whatever it tells us about a match must agree.
    const matches = result.matches.filter(
      (match) =>
        (match.namespace === undefined || match.namespace === this.tenantId) &&
        this.ownsMetadata(match.metadata),
    );
    return { matches, count: matches.length };
  }

  async getByIds(ids: string[]): Promise<VectorRecord[]> {
    const vectors = await this.store.getByIds(ids);
    // Ids are global in Vectorize, so a read by id is where another tenant's vector could surface:
    // keep a vector only if its namespace (or, lacking one, its gateway metadata) names this tenant.
    return vectors.filter((vector) =>
      vector.namespace === undefined
        ? vector.metadata?.['tenant'] === this.tenantId
        : vector.namespace === this.tenantId && this.ownsMetadata(vector.metadata),
    );
  }

  /** Deletes only vectors that are in this tenant's namespace; other ids are ignored. */
  async deleteByIds(ids: string[]): Promise<VectorMutation> {
    if (ids.length === 0) return { ids: [], count: 0 };
    const own = (await this.getByIds(ids)).map((vector) => vector.id);
    if (own.length === 0) return { ids: [], count: 0 };
    return this.store.deleteByIds(own);
  }

  private checkDimensions(length: number): void {
    if (length !== this.embedder.dimensions) {
      throw new GatewayError(
        'embedding_mismatch',
        `A ${length}-dimension vector does not fit embedder ${this.embedder.id} (${this.embedder.dimensions}).`,
        { details: { embedder: this.embedder.id, expected: this.embedder.dimensions, actual: length } },
      );
    }
  }

  /** Gateway-written vectors carry their tenant; a vector naming another tenant is never returned. */
  private ownsMetadata(metadata: VectorMetadata | undefined): boolean {
    return metadata?.['tenant'] === undefined || metadata['tenant'] === this.tenantId;
  }
}
