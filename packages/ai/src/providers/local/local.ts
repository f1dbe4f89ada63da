import { estimateMessagesTokens, estimateTokens } from '../../tokens.ts';
import { ProviderError } from '../../errors.ts';
import type { ChatEvent, ChatMessage, ChatParams, Provider } from '../../types.ts';

/**
 * The offline provider: the embedded default for development and tests, needing no account or
 * network. It is a small deterministic responder, not a language model: `echo-1` answers by
 * quoting the last user message, streamed word by word with honest token counts, so every path of
 * the gateway (streaming, usage, cost, sessions, tools) runs end to end without a model.
 */
export const LOCAL_MODELS = ['echo-1'] as const;

export const localProvider: Provider = {
  // eslint-disable-next-line @typescript-eslint/require-await -- a synchronous source meeting the AsyncIterable contract
  async *chat(params: ChatParams): AsyncIterable<ChatEvent> {
    if (!(LOCAL_MODELS as readonly string[]).includes(params.model)) {
      throw new ProviderError(
        `The local provider has no model "${params.model}"; it offers ${LOCAL_MODELS.join(', ')}.`,
        {
          status: 404,
          retryable: false,
        },
      );
    }
    const words = reply(params.messages).split(/(?<=\s)/);
    const limit = params.maxTokens ?? Number.POSITIVE_INFINITY;
    let outputTokens = 0;
    let finish: 'stop' | 'length' = 'stop';
    for (const word of words) {
      if (params.signal.aborted) return;
      const cost = estimateTokens(word);
      if (outputTokens + cost > limit) {
        finish = 'length';
        break;
      }
      outputTokens += cost;
      yield { type: 'delta', text: word };
    }
    yield { type: 'usage', inputTokens: estimateMessagesTokens(params.messages), outputTokens };
    yield { type: 'finish', reason: finish };
  },
};

function reply(messages: readonly ChatMessage[]): string {
  const last = messages.at(-1);
  if (last?.role === 'tool') return `Tool result: ${last.content}`;
  const user = [...messages].reverse().find((message) => message.role === 'user');
  const turns = messages.filter((message) => message.role === 'user').length;
  const said = user?.content.trim() ?? '';
  return said === ''
    ? 'local/echo-1 (offline test model) received an empty message.'
    : `You said: ${said} (local/echo-1, offline test model; turn ${turns})`;
}
