import type { Context } from 'hono';
import { GatewayError } from '@aigw/core';
import { buildRagPrompt, extractCitations, retrieve, type Source } from '@aigw/rag';
import type { GatewayEnv } from '../context.ts';
import { ragDeps, scopeOf } from './deps.ts';

export interface ChatRagContext {
  /** The system prompt with the retrieval rules added. */
  system: string;
  /** What the model is sent as the user turn: the sources as delimited data, then the question. */
  prompt: string;
  sources: Source[];
}

/**
 * Retrieval for `/chat` with `rag: true`: passages for the message become numbered, delimited,
 * untrusted data in the user turn (instructions inside documents are data, not commands), and the
 * system prompt tells the model to cite them as [n].
 */
export async function chatRagContext(
  c: Context<GatewayEnv>,
  message: string,
  system: string | undefined,
): Promise<ChatRagContext> {
  if (!c.get('tenant').features.rag) {
    throw new GatewayError('feature_disabled', 'The "rag" feature is not enabled for this tenant.');
  }
  const { passages } = await retrieve(ragDeps(c), scopeOf(c), { query: message });
  const prompt = buildRagPrompt(message, passages);
  return {
    system: system === undefined ? prompt.system : `${system}\n\n${prompt.system}`,
    prompt: prompt.user,
    sources: prompt.sources,
  };
}

/** The `citations` event: every source the model was given, and whether the answer cites it. */
export function citationsPayload(answer: string, sources: Source[]) {
  const cited = new Set(extractCitations(answer, sources).cited.map((source) => source.n));
  return {
    sources: sources.map(({ n, id, documentId, title, url, snippet, score }) => ({
      n,
      id,
      documentId,
      title,
      url,
      snippet,
      score,
      cited: cited.has(n),
    })),
  };
}
