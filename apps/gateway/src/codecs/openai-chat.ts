import { GatewayError, toOpenAIErrorBody } from '@aigw/core';
import type { ChatMessage, GenerationParam, ToolCall } from '@aigw/ai';
import type { ChatRequest, Turn, TurnResult } from '@aigw/chat';
import type { OpenAIChatRequest } from './openai-schema.ts';
import { definedParams, responseFormatOf, stopList, toolChoiceOf } from './params.ts';
import { sseFrame } from './sse.ts';

/** OpenAI's chat completions (`/v1/chat/completions`): decoding, the JSON answer, the chunk stream. */

const PARAM_NAMES: Partial<Record<GenerationParam, string>> = {
  maxTokens: 'max_completion_tokens',
  topP: 'top_p',
  presencePenalty: 'presence_penalty',
  frequencyPenalty: 'frequency_penalty',
  responseFormat: 'response_format',
  toolChoice: 'tool_choice',
  parallelToolCalls: 'parallel_tool_calls',
};

/** The request as the engine's; `sessionId` from `x-session-id`, when the client names a session. */
export function decodeCompletion(body: OpenAIChatRequest, sessionId: string | undefined): ChatRequest {
  const format = body.response_format;
  return {
    api: '/v1/chat/completions',
    model: body.model,
    messages: toChatMessages(body.messages),
    params: definedParams({
      maxTokens: body.max_completion_tokens ?? body.max_tokens ?? undefined,
      temperature: body.temperature ?? undefined,
      topP: body.top_p ?? undefined,
      stop: stopList(body.stop),
      seed: body.seed ?? undefined,
      presencePenalty: body.presence_penalty ?? undefined,
      frequencyPenalty: body.frequency_penalty ?? undefined,
      user: body.user,
      responseFormat: responseFormatOf(
        format?.type === 'json_schema' ? { type: 'json_schema', ...format.json_schema } : format,
      ),
      toolChoice: toolChoiceOf(body.tool_choice),
      parallelToolCalls: body.parallel_tool_calls,
    }),
    paramNames: PARAM_NAMES,
    tools: {
      offered: (body.tools ?? []).map((tool) => ({
        name: tool.function.name,
        description: tool.function.description ?? '',
        parameters: tool.function.parameters ?? { type: 'object', properties: {} },
      })),
    },
    sessionId,
    stream: body.stream,
  };
}

function toChatMessages(messages: OpenAIChatRequest['messages']): ChatMessage[] {
  return messages.map((message): ChatMessage => {
    const text = (value: typeof message.content): string =>
      value === null || value === undefined
        ? ''
        : typeof value === 'string'
          ? value
          : value.map((part) => part.text).join('');
    switch (message.role) {
      case 'developer':
        return { role: 'system', content: text(message.content) };
      case 'assistant':
        return {
          role: 'assistant',
          content: text(message.content),
          ...(message.tool_calls
            ? {
                toolCalls: message.tool_calls.map((call) => ({
                  id: call.id,
                  name: call.function.name,
                  arguments: call.function.arguments,
                })),
              }
            : {}),
        };
      case 'tool':
        return { role: 'tool', content: text(message.content), toolCallId: message.tool_call_id };
      default:
        return { role: message.role, content: text(message.content) };
    }
  });
}

/** What every chunk and the JSON answer name: the completion id, its time, the answering model. */
export interface CompletionMeta {
  id: string;
  created: number;
  model: string;
}

export function completionMeta(turn: Turn, requestId: string): CompletionMeta {
  return { id: `chatcmpl-${requestId}`, created: Math.floor(Date.now() / 1000), model: turn.modelId };
}

function wireToolCall(call: ToolCall) {
  return { id: call.id, type: 'function' as const, function: { name: call.name, arguments: call.arguments } };
}

function usageOf(result: Pick<TurnResult, 'outcome'>) {
  const { inputTokens, outputTokens } = result.outcome.usage;
  return {
    prompt_tokens: inputTokens,
    completion_tokens: outputTokens,
    total_tokens: inputTokens + outputTokens,
  };
}

/** The `chat.completion` object of a non-streamed turn. */
export function completionJson(result: TurnResult, meta: CompletionMeta) {
  const { outcome } = result;
  return {
    id: meta.id,
    object: 'chat.completion' as const,
    created: meta.created,
    model: meta.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant' as const,
          content: outcome.text === '' && outcome.toolCalls.length > 0 ? null : outcome.text,
          refusal: null,
          ...(outcome.toolCalls.length > 0 ? { tool_calls: outcome.toolCalls.map(wireToolCall) } : {}),
        },
        finish_reason: result.finishReason,
        logprobs: null,
      },
    ],
    usage: usageOf(result),
  };
}

/** An error as the chunk stream's terminal event: OpenAI SDKs raise an APIError on it. */
export function errorChunk(error: GatewayError): string {
  return sseFrame(toOpenAIErrorBody(error));
}

export function unexpectedChunk(): string {
  return errorChunk(new GatewayError('internal', 'The stream failed unexpectedly.'));
}

/** OpenAI's chunk stream: a role chunk, content chunks, a finish chunk, optional usage, [DONE]. */
export async function* completionChunks(
  turn: Turn,
  meta: CompletionMeta,
  includeUsage: boolean,
): AsyncIterable<string> {
  const chunk = (delta: Record<string, unknown>, finish: string | null) =>
    sseFrame({
      id: meta.id,
      object: 'chat.completion.chunk',
      created: meta.created,
      model: meta.model,
      choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
    });
  // Content chunks differ only in their text: everything around it is serialised once.
  const [contentHead, contentTail] = chunk({ content: '\u0000' }, null).split('"\\u0000"');
  const contentChunk = (text: string) => `${contentHead ?? ''}${JSON.stringify(text)}${contentTail ?? ''}`;

  yield chunk({ role: 'assistant', content: '' }, null);
  for await (const event of turn.events) {
    if (event.type === 'delta') yield contentChunk(event.text);
    else if (event.type === 'tool_calls') {
      yield chunk({ tool_calls: event.calls.map((call, index) => ({ index, ...wireToolCall(call) })) }, null);
    } else if (event.type === 'end') {
      const { end } = event;
      // No [DONE] follows an error, so the answer can never be taken as complete.
      if (!end.ok) {
        yield errorChunk(end.error);
        return;
      }
      yield chunk({}, end.finishReason);
      if (includeUsage) {
        yield sseFrame({
          id: meta.id,
          object: 'chat.completion.chunk',
          created: meta.created,
          model: meta.model,
          choices: [],
          usage: usageOf(end),
        });
      }
      yield sseFrame('[DONE]');
    }
    // The gateway's own tool steps (tool_call, tool_result) stay inside the gateway.
  }
}
