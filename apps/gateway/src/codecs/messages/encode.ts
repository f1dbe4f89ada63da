import { GatewayError, toAnthropicErrorBody } from '@aigw/core';
import type { FinishReason, ToolCall } from '@aigw/ai';
import type { ChatOutcome, TurnEvent, TurnResult } from '@aigw/chat';
import { sseFrame } from '../sse.ts';
import type { StopReason } from './schema.ts';

/** What every encoded answer names: its message id, the model that answered, the request. */
export interface MessageMeta {
  id: string;
  model: string;
  requestId: string;
}

const STOP_REASONS: Record<FinishReason, StopReason> = {
  stop: 'end_turn',
  length: 'max_tokens',
  tool_calls: 'tool_use',
  content_filter: 'refusal',
};

export function stopReasonOf(finish: FinishReason): StopReason {
  return STOP_REASONS[finish];
}

/**
 * A client tool call's input. Models produce JSON text; Anthropic's `input` is that object. Text
 * that is not JSON is handed over as it is rather than replaced by something the model never said.
 */
function inputOf(call: ToolCall): unknown {
  try {
    return JSON.parse(call.arguments) as unknown;
  } catch {
    return call.arguments;
  }
}

function usageOf(outcome: ChatOutcome) {
  return { input_tokens: outcome.usage.inputTokens, output_tokens: outcome.usage.outputTokens };
}

/** A whole answer as Anthropic's `message` object. */
export function encodeMessage({ outcome, finishReason }: TurnResult, meta: MessageMeta) {
  return {
    id: meta.id,
    type: 'message' as const,
    role: 'assistant' as const,
    content: [
      ...(outcome.text !== '' ? [{ type: 'text' as const, text: outcome.text }] : []),
      ...outcome.toolCalls.map((call) => ({
        type: 'tool_use' as const,
        id: call.id,
        name: call.name,
        input: inputOf(call),
      })),
    ],
    model: meta.model,
    stop_reason: stopReasonOf(finishReason),
    stop_sequence: null,
    usage: usageOf(outcome),
  };
}

/** Anthropic's `event: error` frame, the terminal event of a stream that failed. */
export function errorFrame(error: GatewayError, requestId: string): string {
  return sseFrame(toAnthropicErrorBody(error, requestId), 'error');
}

/**
 * Anthropic's event stream for a turn: `message_start`, `ping`, then per content block
 * `content_block_start`, `content_block_delta`* and `content_block_stop`, then `message_delta`
 * (stop reason, usage) and `message_stop`. A failure ends it with one `error` event instead, and
 * the block it cut is never closed, so no client takes a broken answer as complete.
 */
export async function* encodeMessageEvents(
  events: AsyncIterable<TurnEvent>,
  meta: MessageMeta,
): AsyncIterable<string> {
  yield sseFrame(
    {
      type: 'message_start',
      message: {
        id: meta.id,
        type: 'message',
        role: 'assistant',
        content: [],
        model: meta.model,
        stop_reason: null,
        stop_sequence: null,
        // Known only at the end; message_delta carries the totals.
        usage: { input_tokens: 0, output_tokens: 0 },
      },
    },
    'message_start',
  );
  yield sseFrame({ type: 'ping' }, 'ping');

  let index = -1;
  /** The text block being streamed, if one is open: its delta frame around the text. */
  let text: { head: string; tail: string } | undefined;
  const stop = (): string => sseFrame({ type: 'content_block_stop', index }, 'content_block_stop');
  const start = (block: object): string => {
    index += 1;
    return sseFrame({ type: 'content_block_start', index, content_block: block }, 'content_block_start');
  };
  for await (const event of events) {
    if (event.type === 'delta') {
      if (text === undefined) {
        yield start({ type: 'text', text: '' });
        // Text deltas differ only in their text: everything around it is serialised once per block.
        const [head = '', tail = ''] = sseFrame(
          { type: 'content_block_delta', index, delta: { type: 'text_delta', text: '\u0000' } },
          'content_block_delta',
        ).split('"\\u0000"');
        text = { head, tail };
      }
      yield `${text.head}${JSON.stringify(event.text)}${text.tail}`;
    } else if (event.type === 'tool_calls') {
      // The client's calls, handed over whole when the model has finished asking for them.
      if (text !== undefined) yield stop();
      text = undefined;
      for (const call of event.calls) {
        yield start({ type: 'tool_use', id: call.id, name: call.name, input: {} });
        yield sseFrame(
          {
            type: 'content_block_delta',
            index,
            delta: { type: 'input_json_delta', partial_json: call.arguments },
          },
          'content_block_delta',
        );
        yield stop();
      }
    } else if (event.type === 'end') {
      const { end } = event;
      if (!end.ok) {
        yield errorFrame(end.error, meta.requestId);
        return;
      }
      if (text !== undefined) yield stop();
      yield sseFrame(
        {
          type: 'message_delta',
          delta: { stop_reason: stopReasonOf(end.finishReason), stop_sequence: null },
          usage: usageOf(end.outcome),
        },
        'message_delta',
      );
      yield sseFrame({ type: 'message_stop' }, 'message_stop');
    }
    // The gateway's own tool steps (tool_call, tool_result) stay inside the gateway, as on
    // /v1/chat/completions.
  }
}
