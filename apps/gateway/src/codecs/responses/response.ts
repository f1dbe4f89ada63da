import { GatewayError } from '@aigw/core';
import type { ToolCall } from '@aigw/ai';
import type { UsageRecord } from '@aigw/observability';
import type { ChatOutcome, TurnEnd } from '@aigw/chat';
import type { ConversationItem, ResponsesRequest } from './request.ts';
import type { OutputItem, ResponseObject } from './schema.ts';

/**
 * Encoding a finished (or starting) turn as the Responses API's `Response` object. Pure: the
 * route and the stream encoder both build their bodies here, so JSON and SSE cannot disagree.
 */

/** What every rendering of one response shares. */
export interface ResponseBase {
  /** `resp_<32 hex>`, server-generated. */
  id: string;
  /** Unix seconds. */
  createdAt: number;
  /** The model that answers (after routing: a fallback's id when one answered). */
  model: string;
  request: ResponsesRequest;
}

/**
 * Ids of a response's output items carry the response's own hex, so an `item_reference` names
 * the stored response it belongs to (see `responseOfItem`).
 */
export function outputIds(responseId: string): { message: string; call: (index: number) => string } {
  const hex = responseId.slice('resp_'.length);
  return { message: `msg_${hex}`, call: (index) => `fc_${hex}_${index}` };
}

type Status = ResponseObject['status'];
type ItemStatus = 'in_progress' | 'completed' | 'incomplete';

export function messageItem(id: string, text: string, status: ItemStatus): OutputItem {
  return {
    type: 'message',
    id,
    status,
    role: 'assistant',
    content: [{ type: 'output_text', text, annotations: [], logprobs: [] }],
  };
}

export function functionCallItem(id: string, call: ToolCall, status: ItemStatus): OutputItem {
  return { type: 'function_call', id, call_id: call.id, name: call.name, arguments: call.arguments, status };
}

export function usageOf(usage: UsageRecord): NonNullable<ResponseObject['usage']> {
  return {
    input_tokens: usage.inputTokens,
    input_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
    output_tokens: usage.outputTokens,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: usage.inputTokens + usage.outputTokens,
  };
}

/** The response object; `in_progress` ones (stream start) have no output and no usage yet. */
export function responseObject(
  base: ResponseBase,
  state: {
    status: Status;
    output?: OutputItem[];
    usage?: UsageRecord;
    error?: GatewayError | undefined;
    incomplete?: 'max_output_tokens' | 'content_filter' | undefined;
  },
): ResponseObject {
  const { request } = base;
  return {
    id: base.id,
    object: 'response',
    created_at: base.createdAt,
    completed_at: state.status === 'completed' ? Math.floor(Date.now() / 1000) : null,
    status: state.status,
    error: state.error ? { code: responseErrorCode(state.error), message: state.error.message } : null,
    incomplete_details: state.incomplete ? { reason: state.incomplete } : null,
    model: base.model,
    instructions: request.instructions ?? null,
    output: state.output ?? [],
    // OpenAI's schema has no null usage: a response still in progress has none.
    ...(state.usage ? { usage: usageOf(state.usage) } : {}),
    previous_response_id: request.previousResponseId ?? null,
    store: request.store,
    max_output_tokens: request.params.maxTokens ?? null,
    temperature: request.params.temperature ?? null,
    top_p: request.params.topP ?? null,
    tools: request.toolObjects,
    tool_choice: request.toolChoice,
    parallel_tool_calls: request.params.parallelToolCalls ?? true,
    metadata: request.metadata,
    text: { format: request.textFormat },
    truncation: 'disabled',
    background: false,
    reasoning: null,
  };
}

/** OpenAI's `ResponseErrorCode` has no room for ours: a budget or rate limit, else a server error. */
function responseErrorCode(error: GatewayError): 'rate_limit_exceeded' | 'server_error' {
  return error.code === 'budget_exceeded' || error.code === 'rate_limited'
    ? 'rate_limit_exceeded'
    : 'server_error';
}

/** How a turn ended, in the Responses API's terms. */
export function endOf(end: TurnEnd): {
  status: Status;
  incomplete?: 'max_output_tokens' | 'content_filter';
  error?: GatewayError;
} {
  if (!end.ok) return { status: 'failed', error: end.error };
  if (end.finishReason === 'length') return { status: 'incomplete', incomplete: 'max_output_tokens' };
  if (end.finishReason === 'content_filter') return { status: 'incomplete', incomplete: 'content_filter' };
  return { status: 'completed' };
}

/** The output items of an ended turn: the answer's text (if any), then the client's tool calls. */
export function outputOf(base: ResponseBase, outcome: ChatOutcome, status: Status): OutputItem[] {
  const ids = outputIds(base.id);
  const itemStatus: ItemStatus = status === 'completed' ? 'completed' : 'incomplete';
  return [
    ...(outcome.text === '' ? [] : [messageItem(ids.message, outcome.text, itemStatus)]),
    ...outcome.toolCalls.map((call, index) => functionCallItem(ids.call(index), call, 'completed')),
  ];
}

/** The finished response object of a turn. */
export function finishedResponse(base: ResponseBase, end: TurnEnd): ResponseObject {
  const ended = endOf(end);
  return responseObject(base, {
    ...ended,
    output: outputOf(base, end.outcome, ended.status),
    usage: end.outcome.usage,
  });
}

/** The conversation a continuation of this response starts from: its input, then its output. */
export function conversationAfter(
  input: readonly ConversationItem[],
  output: readonly OutputItem[],
): ConversationItem[] {
  return [
    ...input,
    ...output.map((item): ConversationItem =>
      item.type === 'message'
        ? {
            type: 'message',
            role: 'assistant',
            id: item.id,
            text: item.content.map((part) => part.text).join(''),
          }
        : {
            type: 'function_call',
            id: item.id,
            call_id: item.call_id,
            name: item.name,
            arguments: item.arguments,
          },
    ),
  ];
}
