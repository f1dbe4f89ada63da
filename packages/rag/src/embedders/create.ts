import { GatewayError } from '@aigw/core';
import {
  WORKERS_AI_EMBEDDING_MODELS,
  type RagSettings,
  type WorkersAiEmbeddingModel,
} from '@aigw/rag/settings';
import type { AiRunner, Embedder } from './embedder.ts';
import { HashingEmbedder } from './hashing.ts';
import { OpenAiCompatibleEmbedder } from './openai-compatible.ts';
import { WorkersAiEmbedder } from './workers-ai.ts';

/** An OpenAI-compatible upstream, resolved from the tenant's providers (secret already read). */
export interface EmbeddingUpstream {
  baseUrl: string;
  apiKey?: string | undefined;
  headers?: Record<string, string> | undefined;
}

export interface EmbedderDeps {
  /** The Workers AI binding, where the environment has one. */
  ai?: AiRunner | undefined;
  fetch?: typeof fetch | undefined;
  /** Looks up an OpenAI-compatible provider by the name the embedder id uses. */
  upstream?: ((name: string) => EmbeddingUpstream | undefined) | undefined;
}

/** The embedder a tenant's settings name. Fails with a system error if the environment lacks it. */
export function createEmbedder(
  settings: Pick<RagSettings, 'embedder' | 'embedderDimensions'>,
  deps: EmbedderDeps = {},
): Embedder {
  const id = settings.embedder;
  const slash = id.indexOf('/');
  const provider = id.slice(0, slash);
  const model = id.slice(slash + 1);
  if (provider === 'local') {
    return new HashingEmbedder(Number(/^hash-(\d+)$/.exec(model)?.[1]));
  }
  if (provider === 'workers-ai') {
    if (!Object.hasOwn(WORKERS_AI_EMBEDDING_MODELS, model)) {
      throw new GatewayError('misconfigured', `Unknown Workers AI embedding model "${model}".`);
    }
    if (!deps.ai) {
      throw new GatewayError('provider_unavailable', 'Workers AI (the AI binding) is not available here.');
    }
    return new WorkersAiEmbedder(deps.ai, model as WorkersAiEmbeddingModel);
  }
  const upstream = deps.upstream?.(provider);
  if (!upstream || settings.embedderDimensions === undefined) {
    throw new GatewayError(
      'misconfigured',
      `Embedder "${id}" names no configured OpenAI-compatible provider.`,
    );
  }
  return new OpenAiCompatibleEmbedder({
    name: provider,
    model,
    dimensions: settings.embedderDimensions,
    baseUrl: upstream.baseUrl,
    apiKey: upstream.apiKey,
    headers: upstream.headers,
    fetch: deps.fetch,
  });
}
