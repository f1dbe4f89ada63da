import type { EmbedderInfo } from '../embedders/index.ts';
import { unwrap } from '@aigw/core';
import { assertScope, type TenantScope } from '../scope/index.ts';
import type { IndexManifest } from '../vector/index.ts';
import type { DocumentRegistryDO } from './document-registry-do.ts';
import type { DocumentPage, DocumentRecord, DocumentWrite, RegistryStats } from './types.ts';

/**
 * Client for the tenant's `DocumentRegistryDO`. It is also the index manifest (which embedder the
 * tenant's vectors were built with) and the corpus-version source the search cache keys on.
 */
export class DocumentRegistry implements IndexManifest {
  readonly tenantId: string;
  private readonly stub: DurableObjectStub<DocumentRegistryDO>;

  constructor(namespace: DurableObjectNamespace<DocumentRegistryDO>, scope: TenantScope) {
    this.tenantId = assertScope(scope).tenantId;
    this.stub = namespace.getByName(this.tenantId);
  }

  async get(id: string): Promise<DocumentRecord | null> {
    return unwrap(await this.stub.getDocument(this.tenantId, id));
  }

  async list(options: { limit?: number; after?: string } = {}): Promise<DocumentPage> {
    return unwrap(await this.stub.listDocuments(this.tenantId, options));
  }

  async commit(write: DocumentWrite, embedder: EmbedderInfo): Promise<number> {
    const info = { id: embedder.id, dimensions: embedder.dimensions };
    return unwrap(await this.stub.commitDocument(this.tenantId, write, info)).corpusVersion;
  }

  async remove(id: string): Promise<{ removed: DocumentRecord | null; corpusVersion: number }> {
    return unwrap(await this.stub.removeDocument(this.tenantId, id));
  }

  async corpusVersion(): Promise<number> {
    return unwrap(await this.stub.corpusVersion(this.tenantId));
  }

  async stats(): Promise<RegistryStats> {
    return unwrap(await this.stub.stats(this.tenantId));
  }

  async bindEmbedder(embedder: EmbedderInfo): Promise<void> {
    unwrap(await this.stub.bindEmbedder(this.tenantId, { id: embedder.id, dimensions: embedder.dimensions }));
  }

  async checkEmbedder(embedder: EmbedderInfo): Promise<void> {
    unwrap(
      await this.stub.checkEmbedder(this.tenantId, { id: embedder.id, dimensions: embedder.dimensions }),
    );
  }
}
