import type { Context } from 'hono';
import type { RagContext } from '@aigw/chat';
import { buildRagPrompt, retrieve } from '@aigw/rag';
import type { GatewayEnv } from '../context.ts';
import { ragDeps, scopeOf } from './deps.ts';

/**
 * Retrieval for a RAG chat turn (the engine's `retrieve`; it checks the tenant's `rag` feature
 * first): passages for the message become numbered, delimited,
 * untrusted data in the user turn (instructions inside documents are data, not commands), and the
 * system prompt tells the model to cite them as [n].
 */
export async function chatRagContext(
  c: Context<GatewayEnv>,
  message: string,
  system: string | undefined,
): Promise<RagContext> {
  const { passages } = await retrieve(ragDeps(c), scopeOf(c), { query: message });
  const prompt = buildRagPrompt(message, passages);
  return {
    system: system === undefined ? prompt.system : `${system}\n\n${prompt.system}`,
    prompt: prompt.user,
    sources: prompt.sources,
  };
}
