import { env } from 'cloudflare:workers';
import {
  HashingEmbedder,
  LexicalReranker,
  LocalVectorStore,
  localVectorStores,
  resolveRagSettings,
  type Embedder,
  type RagDeps,
  type RagSettingsInput,
  type TenantScope,
} from '../src/index.ts';

let counter = 0;

/**
 * A tenant id no other test uses. Durable Object storage is shared by the tests of one file, so
 * unique tenants keep tests independent without resetting state.
 */
export function freshTenant(prefix = 't'): TenantScope {
  counter += 1;
  return { tenantId: `${prefix}-${counter}-${crypto.randomUUID().slice(0, 8)}` };
}

export function ragDeps(settings: RagSettingsInput = {}, embedder?: Embedder): RagDeps {
  const resolved = resolveRagSettings(settings);
  return {
    vectors: localVectorStores(env.VECTOR_INDEX),
    documents: env.DOCUMENT_REGISTRY,
    lexical: env.LEXICAL_INDEX,
    embedder: embedder ?? new HashingEmbedder(384),
    settings: resolved,
    reranker: new LexicalReranker(),
  };
}

export function localStore(scope: TenantScope): LocalVectorStore {
  return new LocalVectorStore(env.VECTOR_INDEX, scope);
}

/** A unit vector along one axis, padded to `dims`. */
export function axis(dims: number, index: number, scale = 1): number[] {
  const values = new Array<number>(dims).fill(0);
  values[index] = scale;
  return values;
}
