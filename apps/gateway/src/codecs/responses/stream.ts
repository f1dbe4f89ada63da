import { GatewayError, toOpenAIErrorBody } from '@aigw/core';
import type { TurnEnd, TurnEvent } from '@aigw/chat';
import { sseFrame } from '../sse.ts';
import {
  finishedResponse,
  functionCallItem,
  messageItem,
  outputIds,
  responseObject,
  type ResponseBase,
} from './response.ts';
import type { ResponseObject } from './schema.ts';

/**
 * Encoding a turn's events as the Responses API's typed SSE events. Every stream ends with
 * exactly one terminal event: `response.completed`, `response.incomplete` or `response.failed`
 * (an upstream cut included), or `error` for a failure the encoder did not foresee (`unexpected`).
 */

/** Numbers every event of one stream (`sequence_number`), the unexpected-failure frame included. */
export class ResponseEventWriter {
  private next = 0;

  frame(type: string, fields: Record<string, unknown>): string {
    return sseFrame({ type, sequence_number: this.next++, ...fields }, type);
  }

  /** The frame of a text delta: the hot path, so written without building an object. */
  delta(itemId: string, outputIndex: number, text: string): string {
    return (
      'event: response.output_text.delta\ndata: {"type":"response.output_text.delta","sequence_number":' +
      String(this.next++) +
      `,"item_id":"${itemId}","output_index":${String(outputIndex)},"content_index":0,"delta":` +
      JSON.stringify(text) +
      ',"logprobs":[]}\n\n'
    );
  }

  /** The `error` event: the terminal frame of a failure nothing else reported. */
  unexpected(error: GatewayError): string {
    const { message, code, param } = toOpenAIErrorBody(error).error;
    return this.frame('error', { code, message, param });
  }
}

/**
 * The event stream of one response. The response is stored (when asked) before the terminal event,
 * so a client continuing from `response.completed` finds it.
 */
export async function* responseEvents(
  events: AsyncIterable<TurnEvent>,
  base: ResponseBase,
  writer: ResponseEventWriter,
  stored: (response: ResponseObject) => Promise<GatewayError | undefined>,
): AsyncIterable<string> {
  const ids = outputIds(base.id);
  const shell = responseObject(base, { status: 'in_progress' });
  yield writer.frame('response.created', { response: shell });
  yield writer.frame('response.in_progress', { response: shell });

  let outputIndex = 0;
  let text = '';
  /** The output index of the message item while its text streams. */
  let open: number | undefined;
  const part = () => ({ type: 'output_text', text, annotations: [], logprobs: [] });
  const closeMessage = (status: 'completed' | 'incomplete'): string[] => {
    if (open === undefined) return [];
    const index = open;
    open = undefined;
    const at = { item_id: ids.message, output_index: index, content_index: 0 };
    return [
      writer.frame('response.output_text.done', { ...at, text, logprobs: [] }),
      writer.frame('response.content_part.done', { ...at, part: part() }),
      writer.frame('response.output_item.done', {
        output_index: index,
        item: messageItem(ids.message, text, status),
      }),
    ];
  };

  let end: TurnEnd | undefined;
  for await (const event of events) {
    if (event.type === 'delta') {
      // An empty delta opens nothing: the final output has a message only when there is text.
      if (event.text === '') continue;
      if (open === undefined) {
        open = outputIndex++;
        yield writer.frame('response.output_item.added', {
          output_index: open,
          item: { ...messageItem(ids.message, '', 'in_progress'), content: [] },
        });
        yield writer.frame('response.content_part.added', {
          item_id: ids.message,
          output_index: open,
          content_index: 0,
          part: part(),
        });
      }
      text += event.text;
      yield writer.delta(ids.message, open, event.text);
    } else if (event.type === 'tool_calls') {
      yield* closeMessage('completed');
      for (const [index, call] of event.calls.entries()) {
        const id = ids.call(index);
        const at = outputIndex++;
        yield writer.frame('response.output_item.added', {
          output_index: at,
          item: functionCallItem(id, { ...call, arguments: '' }, 'in_progress'),
        });
        yield writer.frame('response.function_call_arguments.delta', {
          item_id: id,
          output_index: at,
          delta: call.arguments,
        });
        yield writer.frame('response.function_call_arguments.done', {
          item_id: id,
          output_index: at,
          name: call.name,
          arguments: call.arguments,
        });
        yield writer.frame('response.output_item.done', {
          output_index: at,
          item: functionCallItem(id, call, 'completed'),
        });
      }
    } else if (event.type === 'end') end = event.end;
  }
  // The engine ends every stream with `end`; without one this is a bug, reported as such.
  if (end === undefined) {
    yield writer.unexpected(new GatewayError('internal', 'The stream failed unexpectedly.'));
    return;
  }
  let response = finishedResponse(base, end);
  yield* closeMessage(response.status === 'completed' ? 'completed' : 'incomplete');
  if (response.status !== 'failed') {
    const storeError = await stored(response);
    if (storeError)
      response = finishedResponse(base, {
        ok: false,
        outcome: end.outcome,
        error: storeError,
        sources: undefined,
      });
  }
  const terminal =
    response.status === 'completed'
      ? 'response.completed'
      : response.status === 'incomplete'
        ? 'response.incomplete'
        : 'response.failed';
  yield writer.frame(terminal, { response });
}
