import type { Embedder } from '../embedders/index.ts';
import { LexicalIndex, type LexicalIndexDO } from '../lexical/index.ts';
import { DocumentRegistry, type DocumentRegistryDO } from '../registry/index.ts';
import type { Reranker } from '../retrieval/rerank/index.ts';
import { assertScope, type TenantScope } from '../scope/index.ts';
import type { RagSettings } from '@aigw/rag/settings';
import {
  LocalVectorStore,
  TenantVectorIndex,
  VectorizeStore,
  type VectorIndexDO,
  type VectorizeBinding,
  type VectorStore,
} from '../vector/index.ts';

/** Opens the tenant's vector store. Taking the scope is what makes an unscoped store impossible. */
export type VectorStoreFactory = (scope: TenantScope) => VectorStore;

/** Everything the pipeline needs; built once per request from the env and the tenant's settings. */
export interface RagDeps {
  vectors: VectorStoreFactory;
  documents: DurableObjectNamespace<DocumentRegistryDO>;
  /** The per-tenant lexical index, which also holds every chunk's text. */
  lexical: DurableObjectNamespace<LexicalIndexDO>;
  embedder: Embedder;
  settings: RagSettings;
  /** Used when `settings.rerank` is on; without one, vector order is kept. */
  reranker?: Reranker | undefined;
}

/** The local index: one `VectorIndexDO` per tenant. */
export function localVectorStores(namespace: DurableObjectNamespace<VectorIndexDO>): VectorStoreFactory {
  return (scope) => new LocalVectorStore(namespace, scope);
}

/** The Vectorize binding: one shared index, one namespace per tenant (set by `TenantVectorIndex`). */
export function vectorizeStores(binding: VectorizeBinding): VectorStoreFactory {
  const store = new VectorizeStore(binding);
  return (scope) => {
    assertScope(scope);
    return store;
  };
}

/**
 * The tenant's registry, vector index and lexical index, wired together (the registry is the
 * vector index's manifest).
 */
export function openTenant(
  deps: RagDeps,
  scope: TenantScope,
): { registry: DocumentRegistry; index: TenantVectorIndex; lexical: LexicalIndex } {
  const checked = assertScope(scope);
  const registry = new DocumentRegistry(deps.documents, checked);
  const index = new TenantVectorIndex({
    store: deps.vectors(checked),
    scope: checked,
    embedder: deps.embedder,
    manifest: registry,
  });
  return { registry, index, lexical: new LexicalIndex(deps.lexical, checked) };
}
