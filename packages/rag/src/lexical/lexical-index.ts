import { unwrap } from '@aigw/core';
import { assertScope, type TenantScope } from '../scope/index.ts';
import type { LexicalIndexDO } from './lexical-index-do.ts';
import type {
  CorpusStats,
  IndexedChunk,
  LexicalIndexStats,
  LexicalSearchOptions,
  LexicalSearchResult,
  StoredChunk,
} from './types.ts';

/** Client for the tenant's `LexicalIndexDO`; taking the scope is what makes an unscoped index impossible. */
export class LexicalIndex {
  readonly tenantId: string;
  private readonly stub: DurableObjectStub<LexicalIndexDO>;

  constructor(namespace: DurableObjectNamespace<LexicalIndexDO>, scope: TenantScope) {
    this.tenantId = assertScope(scope).tenantId;
    this.stub = namespace.getByName(this.tenantId);
  }

  async replaceDocument(
    documentId: string,
    chunks: IndexedChunk[],
    maxChunks: number,
  ): Promise<{ removed: number; chunks: number; total: number }> {
    return unwrap(await this.stub.replaceDocument(this.tenantId, documentId, chunks, maxChunks));
  }

  async deleteDocument(documentId: string): Promise<{ removed: number; total: number }> {
    return unwrap(await this.stub.deleteDocument(this.tenantId, documentId));
  }

  async search(query: string, options: LexicalSearchOptions): Promise<LexicalSearchResult> {
    return unwrap(await this.stub.search(this.tenantId, query, options));
  }

  async chunks(ids: string[], terms: string[]): Promise<{ chunks: StoredChunk[]; stats: CorpusStats }> {
    return unwrap(await this.stub.chunks(this.tenantId, ids, terms));
  }

  async describe(): Promise<LexicalIndexStats> {
    return unwrap(await this.stub.describe(this.tenantId));
  }
}
