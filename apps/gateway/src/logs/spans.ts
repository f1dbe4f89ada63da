import {
  GEN_AI,
  GEN_AI_OPERATION,
  SEMCONV,
  newSpanId,
  otlpSpan,
  type Attributes,
  type LogEntryInput,
  type OtlpSpan,
  type SpanData,
} from '@aigw/observability';
import type { ChatMessage } from '@aigw/ai';
import type { ObservedAttempt, RequestObservation } from './observation.ts';

/** What a trace may say beyond metadata: the redacted prompt, answer and tool payloads. */
export interface SpanContent {
  redact: (value: unknown) => unknown;
}

/** The provider and model parts of `provider/model`. */
function split(modelId: string): { provider: string; model: string } {
  const at = modelId.indexOf('/');
  return at < 0
    ? { provider: modelId, model: modelId }
    : { provider: modelId.slice(0, at), model: modelId.slice(at + 1) };
}

/** Messages as the GenAI conventions write them: role and text parts, JSON. */
function messagesJson(messages: readonly ChatMessage[], content: SpanContent): string {
  return JSON.stringify(
    messages.map((message) => ({
      role: message.role,
      parts: [{ type: 'text', content: content.redact(message.content) }],
    })),
  );
}

const GEN_AI_OPERATION_OF: Record<ObservedAttempt['route'], string> = {
  chat: GEN_AI_OPERATION.chat,
  search: GEN_AI_OPERATION.chat,
  tools: GEN_AI_OPERATION.chat,
};

/**
 * One request's trace: a server span for the request (continuing the caller's trace when it sent
 * a `traceparent`), spans for authentication, limits and retrieval, a client span per model
 * attempt (its id is the `traceparent` the upstream received) and a span per tool call, with the
 * GenAI semantic-convention attributes. Content (prompts, answers, tool payloads) only when
 * `content` is given: the tenant's log keeps bodies and this is the tenant's own endpoint.
 */
export function requestSpans(
  observation: RequestObservation,
  entry: LogEntryInput,
  tenantId: string,
  content: SpanContent | undefined,
): OtlpSpan[] {
  const traceId = observation.traceId;
  const root = observation.rootSpanId;
  const start = observation.startedAt;
  const end = start + entry.durationMs;
  const chat = observation.chat;
  const error = entry.errorCode ?? (entry.status >= 500 ? `http_${entry.status}` : undefined);
  const spans: SpanData[] = [];
  const child = (span: Omit<SpanData, 'traceId' | 'parentSpanId'>): void => {
    spans.push({ ...span, traceId, parentSpanId: root });
  };

  const rootAttributes: Record<string, Attributes[string]> = {
    [SEMCONV.httpMethod]: entry.method,
    [SEMCONV.httpRoute]: entry.route,
    [SEMCONV.httpStatus]: entry.status,
    [SEMCONV.errorType]: entry.errorCode,
    [SEMCONV.userId]: entry.user,
    [SEMCONV.sessionId]: entry.sessionId,
    'tenant.id': tenantId,
    'gateway.request_id': entry.id,
    'gateway.client_request_id': entry.clientRequestId,
    'gateway.key_id': entry.keyId,
    'gateway.cost_usd': entry.costUsd,
    'gateway.cache': entry.cache ?? undefined,
    'gateway.fallback': entry.fallback,
  };
  if (entry.model !== undefined) {
    Object.assign(rootAttributes, {
      [GEN_AI.operationName]: GEN_AI_OPERATION.chat,
      [GEN_AI.providerName]: entry.provider,
      [GEN_AI.requestModel]: entry.modelRequested ?? entry.model,
      [GEN_AI.responseModel]: entry.model,
      [GEN_AI.usageInputTokens]: entry.inputTokens,
      [GEN_AI.usageOutputTokens]: entry.outputTokens,
      [GEN_AI.conversationId]: entry.sessionId,
    });
  }
  if (content !== undefined && chat !== undefined) {
    rootAttributes[GEN_AI.inputMessages] = messagesJson(chat.messages, content);
  }
  const answer = observation.output?.text;
  if (content !== undefined && answer !== undefined) {
    rootAttributes[GEN_AI.outputMessages] = JSON.stringify([
      {
        role: 'assistant',
        parts: [{ type: 'text', content: content.redact(answer) }],
        finish_reason: observation.output?.finishReason ?? 'error',
      },
    ]);
  }
  spans.push({
    traceId,
    spanId: root,
    parentSpanId: observation.parent?.spanId,
    traceState: observation.parent?.state,
    name: `${entry.method} ${entry.route}`,
    kind: 'server',
    startMs: start,
    endMs: end,
    attributes: rootAttributes,
    error,
  });

  for (const phase of observation.phases) {
    const retrieval = phase.name === 'retrieval';
    child({
      spanId: newSpanId(),
      name: retrieval ? GEN_AI_OPERATION.retrieval : `gateway.${phase.name}`,
      kind: 'internal',
      startMs: phase.startMs,
      endMs: phase.endMs,
      attributes: retrieval
        ? {
            [GEN_AI.operationName]: GEN_AI_OPERATION.retrieval,
            [GEN_AI.dataSourceId]: `${tenantId}/documents`,
          }
        : {},
      error: phase.error,
    });
  }

  // An attempt that produced its first token lasts until the next thing the request did after it
  // (a tool call, another attempt) or the request's end: the answer streams meanwhile.
  const marks = [
    ...observation.toolCalls.map((call) => call.startMs),
    ...observation.attempts.map((a) => a.record.startedAt),
    end,
  ].sort((a, b) => a - b);
  const answering = [...observation.attempts]
    .reverse()
    .find((a) => a.record.outcome === 'ok' && a.route !== 'tools');
  observation.attempts.forEach((observed) => {
    const { record } = observed;
    const { provider, model } = split(record.modelId);
    const ok = record.outcome === 'ok';
    const firstToken = record.startedAt + record.latencyMs;
    const endMs = ok
      ? Math.max(firstToken, marks.find((mark) => mark > record.startedAt) ?? end)
      : firstToken;
    const attributes: Record<string, Attributes[string]> = {
      [GEN_AI.operationName]: GEN_AI_OPERATION_OF[observed.route],
      [GEN_AI.providerName]: provider,
      [GEN_AI.requestModel]: model,
      [GEN_AI.responseModel]: ok ? model : undefined,
      [SEMCONV.errorType]: ok ? undefined : record.outcome,
      [SEMCONV.httpStatus]: record.status,
      'gateway.attempt': record.attempt,
      'gateway.purpose': observed.route,
    };
    if (chat !== undefined && observed.route !== 'tools') {
      attributes[GEN_AI.requestMaxTokens] = chat.maxTokens;
      attributes[GEN_AI.requestTemperature] = chat.temperature;
      attributes[GEN_AI.requestTopP] = chat.topP;
    }
    if (observed === answering) {
      attributes[GEN_AI.usageInputTokens] = entry.inputTokens;
      attributes[GEN_AI.usageOutputTokens] = entry.outputTokens;
      if (observation.output?.finishReason !== undefined)
        attributes[GEN_AI.responseFinishReasons] = [observation.output.finishReason];
    }
    child({
      spanId: observed.spanId ?? newSpanId(),
      name: `${GEN_AI_OPERATION_OF[observed.route]} ${model}`,
      kind: 'client',
      startMs: record.startedAt,
      endMs,
      attributes,
      error: ok ? undefined : (record.message ?? record.outcome),
    });
  });

  for (const call of observation.toolCalls) {
    child({
      spanId: newSpanId(),
      name: `${GEN_AI_OPERATION.executeTool} ${call.name}`,
      kind: 'internal',
      startMs: call.startMs,
      endMs: call.endMs,
      attributes: {
        [GEN_AI.operationName]: GEN_AI_OPERATION.executeTool,
        [GEN_AI.toolName]: call.name,
        [GEN_AI.toolType]: 'function',
        [SEMCONV.errorType]: call.errorCode,
        [GEN_AI.toolCallArguments]:
          content !== undefined && call.args !== undefined
            ? JSON.stringify(content.redact(call.args))
            : undefined,
        [GEN_AI.toolCallResult]:
          content !== undefined && call.result !== undefined
            ? JSON.stringify(content.redact(call.result))
            : undefined,
      },
      error: call.errorCode,
    });
  }
  return spans.map(otlpSpan);
}
