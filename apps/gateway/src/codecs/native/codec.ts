import type { z } from '@hono/zod-openapi';
import { checkJsonText } from '@aigw/core';
import type { ToolCall } from '@aigw/ai';
import type { ChatOutcome, ChatRequest, ToolOutcome, Turn, TurnResult, TurnSource } from '@aigw/chat';
import { extractCitations } from '@aigw/rag';
import { TOOL_ARGUMENT_LIMITS } from '@aigw/tools';
import { definedParams, stopList } from '../params.ts';
import { sseFrame } from '../sse.ts';
import type { ChatRequestBody, chatResponse, usageSchema } from './schema.ts';

/** The native `/chat` API: camelCase JSON, named SSE events (docs/chat.md). */

/** The request as the engine's, every field once. */
export function decodeChat(body: ChatRequestBody): ChatRequest {
  return {
    api: '/chat',
    model: body.model,
    messages: [
      ...(body.system !== undefined ? [{ role: 'system' as const, content: body.system }] : []),
      { role: 'user' as const, content: body.message },
    ],
    params: definedParams({
      maxTokens: body.maxTokens,
      temperature: body.temperature,
      topP: body.topP,
      topK: body.topK,
      stop: stopList(body.stop),
      seed: body.seed,
      presencePenalty: body.presencePenalty,
      frequencyPenalty: body.frequencyPenalty,
      user: body.user,
      responseFormat: body.responseFormat,
      toolChoice: body.toolChoice,
      parallelToolCalls: body.parallelToolCalls,
    }),
    tools: body.tools === undefined ? undefined : { named: body.tools },
    sessionId: body.sessionId,
    rag: body.rag,
    stream: body.stream,
  };
}

/** What the `meta` event and the JSON answer both start with. */
export interface ChatMeta {
  requestId: string;
  sessionId: string | null;
  model: string;
  provider: string;
}

export function metaOf(turn: Turn, requestId: string): ChatMeta {
  return { requestId, sessionId: turn.sessionId ?? null, model: turn.modelId, provider: turn.providerName };
}

/** The JSON answer of a non-streamed turn. */
export function chatJson(result: TurnResult, meta: ChatMeta): z.infer<typeof chatResponse> {
  const { outcome, toolSteps, sources } = result;
  return {
    ...meta,
    text: outcome.text,
    ...(sources ? { citations: citationsOf(outcome.text, sources) } : {}),
    ...(toolSteps.length > 0
      ? { tools: toolSteps.map((step) => toolResultPayload(step.call, step.outcome)) }
      : {}),
    finishReason: result.finishReason,
    usage: usageOf(outcome),
  };
}

/** One delta frame, written without building an object: the hot path of every native stream. */
function deltaFrame(text: string): string {
  return `event: delta\ndata: {"text":${JSON.stringify(text)}}\n\n`;
}

/**
 * The native event stream: `meta`, `delta`*, `tool_call`/`tool_result` per gateway tool step,
 * `usage`, `citations` (RAG), then exactly one `done` or `error`.
 */
export async function* chatFrames(turn: Turn, meta: ChatMeta): AsyncIterable<string> {
  yield sseFrame(meta, 'meta');
  for await (const event of turn.events) {
    if (event.type === 'delta') yield deltaFrame(event.text);
    else if (event.type === 'tool_call') yield sseFrame(toolCallPayload(event.call), 'tool_call');
    else if (event.type === 'tool_result')
      yield sseFrame(toolResultPayload(event.call, event.outcome), 'tool_result');
    else if (event.type === 'end') {
      const { end } = event;
      yield sseFrame(usageOf(end.outcome), 'usage');
      if (!end.ok) {
        yield sseFrame(
          { code: end.error.code, message: end.error.message, requestId: meta.requestId },
          'error',
        );
        return;
      }
      if (end.sources) yield sseFrame({ sources: citationsOf(end.outcome.text, end.sources) }, 'citations');
      yield sseFrame({ finishReason: end.finishReason }, 'done');
    }
    // tool_calls: /chat offers only gateway tools, which the engine runs itself.
  }
}

/** The frame for a stream that failed in a way nothing above foresaw (a bug): still terminal. */
export function unexpectedFrame(requestId: string): string {
  return sseFrame({ code: 'internal', message: 'The stream failed unexpectedly.', requestId }, 'error');
}

function toolCallPayload(call: ToolCall) {
  let args: unknown = call.arguments;
  // A model's arguments past the JSON bounds stay the string it sent: parsed, they would be
  // written back out (JSON.stringify recurses) into the event and could overflow the stack.
  if (checkJsonText(call.arguments, TOOL_ARGUMENT_LIMITS) === undefined) {
    try {
      args = JSON.parse(call.arguments);
    } catch {
      // Shown as sent.
    }
  }
  return { id: call.id, name: call.name, arguments: args };
}

function toolResultPayload(call: ToolCall, outcome: ToolOutcome) {
  return outcome.ok
    ? { id: call.id, name: call.name, ok: true, result: outcome.result }
    : {
        id: call.id,
        name: call.name,
        ok: false,
        error: { code: outcome.error.code, message: outcome.error.message },
      };
}

/** Every source the model was given, and whether the answer cites it. */
function citationsOf(answer: string, sources: readonly TurnSource[]) {
  const cited = new Set(extractCitations(answer, [...sources]).cited.map((source) => source.n));
  return sources.map(({ n, id, documentId, title, url, snippet, score }) => ({
    n,
    id,
    documentId,
    title,
    url,
    snippet,
    score,
    cited: cited.has(n),
  }));
}

export function usageOf(outcome: ChatOutcome): z.infer<typeof usageSchema> {
  const { inputTokens, outputTokens, estimated, costUsd, latencyMs, ttftMs } = outcome.usage;
  return { inputTokens, outputTokens, estimated, costUsd, latencyMs, ttftMs };
}
