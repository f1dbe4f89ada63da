import { estimateMessagesTokens, estimateTokens } from '@aigw/core';
import { ProviderError } from '../../errors.ts';
import type { ChatEvent, ChatMessage, ChatParams, Provider, ToolCall } from '../../types.ts';

/**
 * The offline provider: the embedded default for development and tests, needing no account or
 * network. It is a small deterministic responder, not a language model: `echo-1` answers by
 * quoting the last user message, streamed word by word with honest token counts, so every path of
 * the gateway (streaming, usage, cost, sessions, tools) runs end to end without a model. `echo-2`
 * words its answer differently, so two branches of a route (an A/B) can be told apart offline.
 */
export const LOCAL_MODELS = ['echo-1', 'echo-2'] as const;

export const localProvider: Provider = {
  // A deterministic responder answers as a model at temperature 0 would, whatever the sampling
  // parameters say; it honours the length, stop sequences, tool choice and JSON objects.
  params: new Set([
    'maxTokens',
    'temperature',
    'topP',
    'topK',
    'stop',
    'seed',
    'presencePenalty',
    'frequencyPenalty',
    'user',
    'toolChoice',
    'parallelToolCalls',
  ]),
  // It cannot write JSON to a schema it does not understand: json_schema is refused, not faked.
  responseFormats: new Set(['json_object']),
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
    const answer = reply(params.model, params.messages);
    const shaped = params.responseFormat?.type === 'json_object' ? JSON.stringify({ reply: answer }) : answer;
    const words = cutAtStop(shaped, params.stop).split(/(?<=\s)/);
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
  const choice = params.toolChoice ?? 'auto';
  if (choice === 'none') return [];
  const forced = typeof choice === 'object' ? choice.name : undefined;
  const offered = new Set(params.tools.map((tool) => tool.name));
  const calls: ToolCall[] = [];
  for (const match of last.content.matchAll(CALL)) {
    const [, name = '', args = '{}'] = match;
    if (offered.has(name) && (forced === undefined || name === forced)) {
      calls.push({ id: `call_${calls.length + 1}`, name, arguments: args });
    }
  }
  // A required (or named) tool is called even when the message asks for none, with no arguments.
  const required = forced ?? (choice === 'required' ? params.tools[0]?.name : undefined);
  if (calls.length === 0 && required !== undefined)
    calls.push({ id: 'call_1', name: required, arguments: '{}' });
  return params.parallelToolCalls === false ? calls.slice(0, 1) : calls;
}

/** The text up to the first of the stop sequences, which is not part of the answer. */
function cutAtStop(text: string, stop: readonly string[] | undefined): string {
  let end = text.length;
  for (const sequence of stop ?? []) {
    const at = sequence === '' ? -1 : text.indexOf(sequence);
    if (at !== -1 && at < end) end = at;
  }
  return text.slice(0, end);
}

function reply(model: string, messages: readonly ChatMessage[]): string {
  const last = messages.at(-1);
  if (last?.role === 'tool') return `Tool result: ${last.content}`;
  const user = [...messages].reverse().find((message) => message.role === 'user');
  const turns = messages.filter((message) => message.role === 'user').length;
  const said = user?.content.trim() ?? '';
  if (said === '') return `local/${model} (offline test model) received an empty message.`;
  return model === 'echo-2'
    ? `Echo two heard: ${said} (local/echo-2, offline test model; turn ${turns})`
    : `You said: ${said} (local/echo-1, offline test model; turn ${turns})`;
}
