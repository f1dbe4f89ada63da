import type { Context } from 'hono';
import {
  LexicalReranker,
  WorkersAiReranker,
  createEmbedder,
  localVectorStores,
  vectorizeStores,
  type RagDeps,
  type TenantScope,
} from '@aigw/rag';
import type { GatewayEnv } from '../context.ts';

/**
 * The RAG pipeline's collaborators for this request's tenant: Vectorize where the environment
 * binds it (staging, production), the local index Durable Object otherwise; the tenant's
 * embedder; a reranker when the tenant turns reranking on (Workers AI's where it exists, the
 * offline lexical one elsewhere).
 */
export function ragDeps(c: Context<GatewayEnv>): RagDeps {
  const tenant = c.get('tenant');
  const env = c.env;
  const embedder = createEmbedder(tenant.rag, {
    ai: env.AI,
    fetch: c.get('services').upstreamFetch,
    upstream: (name) => {
      const provider = tenant.providers[name];
      if (provider?.type !== 'openai-compatible') return undefined;
      const key =
        provider.apiKeySecret === undefined
          ? undefined
          : (env as unknown as Record<string, unknown>)[provider.apiKeySecret];
      return {
        baseUrl: provider.baseUrl,
        headers: provider.headers,
        ...(typeof key === 'string' ? { apiKey: key } : {}),
      };
    },
  });
  return {
    vectors: env.VECTORIZE ? vectorizeStores(env.VECTORIZE) : localVectorStores(env.VECTOR_INDEX),
    documents: env.DOCUMENT_REGISTRY,
    lexical: env.LEXICAL_INDEX,
    embedder,
    settings: tenant.rag,
    reranker: tenant.rag.rerank
      ? env.AI
        ? new WorkersAiReranker(env.AI)
        : new LexicalReranker()
      : undefined,
  };
}

export function scopeOf(c: Context<GatewayEnv>): TenantScope {
  return { tenantId: c.get('tenant').id };
}
