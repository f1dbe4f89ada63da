import { estimateMessagesTokens, estimateTokens } from '@aigw/core';
import { ProviderError } from '../../errors.ts';
import type { ChatEvent, ChatMessage, ChatParams, Provider, ToolCall } from '../../types.ts';

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
    const calls = requestedToolCalls(params);
    if (calls.length > 0) {
      yield { type: 'tool_calls', calls };
      yield {
        type: 'usage',
        inputTokens: estimateMessagesTokens(params.messages),
        outputTokens: estimateTokens(JSON.stringify(calls)),
      };
      yield { type: 'finish', reason: 'tool_calls' };
      return;
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

/**
 * The offline model's deterministic way to use tools: when the last message is the user's and it
 * contains `call NAME({...json...})` for a tool it was offered, it asks for that call (several
 * such phrases, several calls). Anything else is answered as usual.
 */
const CALL = /\bcall\s+([a-z_][a-z0-9_]*)\((\{[\s\S]*?\})\)/gi;

function requestedToolCalls(params: ChatParams): ToolCall[] {
  const last = params.messages.at(-1);
  if (last?.role !== 'user' || !params.tools || params.tools.length === 0) return [];
  const offered = new Set(params.tools.map((tool) => tool.name));
  const calls: ToolCall[] = [];
  for (const match of last.content.matchAll(CALL)) {
    const [, name = '', args = '{}'] = match;
    if (offered.has(name)) calls.push({ id: `call_${calls.length + 1}`, name, arguments: args });
  }
  return calls;
}

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
