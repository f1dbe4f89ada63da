import { unwrap } from '@aigw/core';
import { assertScope, type TenantScope } from '../scope/index.ts';
import type { VectorIndexDO } from './vector-index-do.ts';
import type {
  VectorMatches,
  VectorMutation,
  VectorQueryOptions,
  VectorRecord,
  VectorStore,
} from './types.ts';

/** The `VectorStore` over the tenant's own `VectorIndexDO` (development, tests, small deployments). */
export class LocalVectorStore implements VectorStore {
  private readonly stub: DurableObjectStub<VectorIndexDO>;
  private readonly tenantId: string;

  constructor(namespace: DurableObjectNamespace<VectorIndexDO>, scope: TenantScope) {
    this.tenantId = assertScope(scope).tenantId;
    this.stub = namespace.getByName(this.tenantId);
  }

  async upsert(vectors: VectorRecord[]): Promise<VectorMutation> {
    return unwrap(await this.stub.upsert(this.tenantId, vectors));
  }

  async query(vector: number[], options?: VectorQueryOptions): Promise<VectorMatches> {
    return unwrap(await this.stub.query(this.tenantId, vector, options));
  }

  async getByIds(ids: string[]): Promise<VectorRecord[]> {
    return unwrap(await this.stub.getByIds(this.tenantId, ids));
  }

  async deleteByIds(ids: string[]): Promise<VectorMutation> {
    return unwrap(await this.stub.deleteByIds(this.tenantId, ids));
  }

  async describe(): Promise<{ vectorCount: number; dimensions: number | null }> {
    return unwrap(await this.stub.describe(this.tenantId));
  }
}
