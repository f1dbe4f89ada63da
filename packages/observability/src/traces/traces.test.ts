import { describe, expect, it } from 'vitest';
/* eslint-disable @typescript-eslint/no-deprecated -- the GenAI constants are marked deprecated only
   because the conventions moved to a repository of their own; these names are still the current ones. */
import * as semconv from '@opentelemetry/semantic-conventions/incubating';
// The OTLP protobuf types as protobufjs classes (the package's generated module; no public subpath).
import root from '@opentelemetry/otlp-transformer/build/src/generated/root.js';
import { formatTraceparent, newSpanId, newTraceId, parseTraceparent } from './context.ts';
import { GEN_AI, GEN_AI_OPERATION, SEMCONV } from './genai.ts';
import { otlpSpan, otlpTraceRequest, parseOtlpHeaders } from './otlp.ts';

interface ProtoType {
  fromObject(value: unknown): unknown;
  encode(message: unknown): { finish(): Uint8Array };
  decode(bytes: Uint8Array): unknown;
  toObject(message: unknown, options: object): Record<string, unknown>;
}
const ExportTraceServiceRequest = (
  root as unknown as {
    opentelemetry: { proto: { collector: { trace: { v1: { ExportTraceServiceRequest: ProtoType } } } } };
  }
).opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;

const ID_FIELDS = new Set(['traceId', 'spanId', 'parentSpanId']);
const hexToBase64 = (hex: string): string =>
  btoa(String.fromCharCode(...(hex.match(/../g) ?? []).map((h) => parseInt(h, 16))));

/** Empty lists left out: the decoder lists every repeated field, set or not. */
const withoutEmptyLists = (json: unknown): unknown =>
  JSON.parse(JSON.stringify(json), (_key, value: unknown) =>
    Array.isArray(value) && value.length === 0 ? undefined : value,
  ) as unknown;

/**
 * OTLP/JSON as protobuf's own JSON mapping reads it: ids are hex in OTLP/JSON but bytes (base64)
 * in protobuf, and int64 values are decimal strings.
 */
function protoView(json: unknown): unknown {
  return withoutEmptyLists(
    JSON.parse(JSON.stringify(json), (key, value: unknown) => {
      if (ID_FIELDS.has(key) && typeof value === 'string') return hexToBase64(value);
      if (key === 'intValue' && typeof value === 'number') return String(value);
      return value;
    }),
  );
}

/** Decodes OTLP/JSON with the OTLP protobuf types: JSON → message → bytes → message → JSON. */
function decodeOtlp(json: unknown): unknown {
  const message = ExportTraceServiceRequest.fromObject(
    JSON.parse(JSON.stringify(json), (key, value: unknown) =>
      ID_FIELDS.has(key) && typeof value === 'string' ? hexToBase64(value) : value,
    ),
  );
  const bytes = ExportTraceServiceRequest.encode(message).finish();
  return withoutEmptyLists(
    ExportTraceServiceRequest.toObject(ExportTraceServiceRequest.decode(bytes), {
      longs: String,
      enums: Number,
      bytes: String,
    }),
  );
}

describe('trace context', () => {
  it('continues a well-formed traceparent and refuses every malformed one', () => {
    const id = '4bf92f3577b34da6a3ce929d0e0e4736';
    expect(parseTraceparent(`00-${id}-00f067aa0ba902b7-01`, 'vendor=x')).toEqual({
      traceId: id,
      spanId: '00f067aa0ba902b7',
      sampled: true,
      state: 'vendor=x',
    });
    expect(parseTraceparent(`00-${id}-00f067aa0ba902b7-00`)?.sampled).toBe(false);
    // A later version may carry more fields; they are ignored.
    expect(parseTraceparent(`01-${id}-00f067aa0ba902b7-01-extra`)?.traceId).toBe(id);
    for (const bad of [
      undefined,
      '',
      `00-${id}-00f067aa0ba902b7-01-extra`,
      `ff-${id}-00f067aa0ba902b7-01`,
      `00-${'0'.repeat(32)}-00f067aa0ba902b7-01`,
      `00-${id}-${'0'.repeat(16)}-01`,
      `00-${id.toUpperCase()}-00f067aa0ba902b7-01`,
      `00-${id}-00f067aa0ba902b7`,
    ]) {
      expect(parseTraceparent(bad), String(bad)).toBeUndefined();
    }
    expect(formatTraceparent(id, '00f067aa0ba902b7', true)).toBe(`00-${id}-00f067aa0ba902b7-01`);
    expect(newTraceId()).toMatch(/^[0-9a-f]{32}$/);
    expect(newSpanId()).toMatch(/^[0-9a-f]{16}$/);
  });

  it('reads export headers written as OTEL_EXPORTER_OTLP_HEADERS', () => {
    expect(parseOtlpHeaders('Authorization=Basic%20cGs6c2s=, x-langfuse-ingestion-version=4,broken')).toEqual(
      {
        authorization: 'Basic cGs6c2s=',
        'x-langfuse-ingestion-version': '4',
      },
    );
  });
});

describe('GenAI semantic conventions', () => {
  it('names every attribute and operation as @opentelemetry/semantic-conventions does', () => {
    const expected: Record<keyof typeof GEN_AI, string> = {
      operationName: semconv.ATTR_GEN_AI_OPERATION_NAME,
      providerName: semconv.ATTR_GEN_AI_PROVIDER_NAME,
      requestModel: semconv.ATTR_GEN_AI_REQUEST_MODEL,
      responseModel: semconv.ATTR_GEN_AI_RESPONSE_MODEL,
      responseId: semconv.ATTR_GEN_AI_RESPONSE_ID,
      responseFinishReasons: semconv.ATTR_GEN_AI_RESPONSE_FINISH_REASONS,
      usageInputTokens: semconv.ATTR_GEN_AI_USAGE_INPUT_TOKENS,
      usageOutputTokens: semconv.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
      requestMaxTokens: semconv.ATTR_GEN_AI_REQUEST_MAX_TOKENS,
      requestTemperature: semconv.ATTR_GEN_AI_REQUEST_TEMPERATURE,
      requestTopP: semconv.ATTR_GEN_AI_REQUEST_TOP_P,
      conversationId: semconv.ATTR_GEN_AI_CONVERSATION_ID,
      toolName: semconv.ATTR_GEN_AI_TOOL_NAME,
      toolType: semconv.ATTR_GEN_AI_TOOL_TYPE,
      toolCallArguments: semconv.ATTR_GEN_AI_TOOL_CALL_ARGUMENTS,
      toolCallResult: semconv.ATTR_GEN_AI_TOOL_CALL_RESULT,
      inputMessages: semconv.ATTR_GEN_AI_INPUT_MESSAGES,
      outputMessages: semconv.ATTR_GEN_AI_OUTPUT_MESSAGES,
      dataSourceId: semconv.ATTR_GEN_AI_DATA_SOURCE_ID,
    };
    expect(GEN_AI).toEqual(expected);
    expect(GEN_AI_OPERATION).toEqual({
      chat: semconv.GEN_AI_OPERATION_NAME_VALUE_CHAT,
      embeddings: semconv.GEN_AI_OPERATION_NAME_VALUE_EMBEDDINGS,
      executeTool: semconv.GEN_AI_OPERATION_NAME_VALUE_EXECUTE_TOOL,
      retrieval: semconv.GEN_AI_OPERATION_NAME_VALUE_RETRIEVAL,
    });
    expect([SEMCONV.errorType, SEMCONV.httpRoute, SEMCONV.userId, SEMCONV.sessionId]).toEqual([
      semconv.ATTR_ERROR_TYPE,
      semconv.ATTR_HTTP_ROUTE,
      semconv.ATTR_USER_ID,
      semconv.ATTR_SESSION_ID,
    ]);
  });
});

describe('OTLP JSON', () => {
  it('encodes spans the OTLP protobuf types accept, field for field', () => {
    const traceId = newTraceId();
    const payload = otlpTraceRequest(
      { 'service.name': 'aigw-gateway', 'tenant.id': 'acme' },
      { name: 'aigw', version: '0.1.0' },
      [
        otlpSpan({
          traceId,
          spanId: newSpanId(),
          parentSpanId: newSpanId(),
          traceState: 'vendor=x',
          name: 'chat upstream/primary',
          kind: 'client',
          startMs: 1_764_583_200_000.25,
          endMs: 1_764_583_200_040,
          attributes: {
            [GEN_AI.operationName]: 'chat',
            [GEN_AI.usageInputTokens]: 12,
            'gateway.cost_usd': 0.00012,
            [GEN_AI.responseFinishReasons]: ['stop'],
            'gateway.cached': false,
            unset: undefined,
          },
          error: 'upstream_error',
        }),
      ],
    );
    const json = JSON.parse(JSON.stringify(payload)) as unknown;
    const decoded = decodeOtlp(json);
    // Every field survived the protobuf round trip: nothing unknown was dropped, nothing renamed.
    expect(decoded).toEqual(protoView(json));
    expect(decoded).toMatchObject({
      resourceSpans: [
        {
          scopeSpans: [
            {
              spans: [
                {
                  kind: 3,
                  startTimeUnixNano: '1764583200000250000',
                  endTimeUnixNano: '1764583200040000000',
                  attributes: [
                    { key: 'gen_ai.operation.name', value: { stringValue: 'chat' } },
                    { key: 'gen_ai.usage.input_tokens', value: { intValue: '12' } },
                    { key: 'gateway.cost_usd', value: { doubleValue: 0.00012 } },
                    {
                      key: 'gen_ai.response.finish_reasons',
                      value: { arrayValue: { values: [{ stringValue: 'stop' }] } },
                    },
                    { key: 'gateway.cached', value: { boolValue: false } },
                  ],
                  status: { code: 2, message: 'upstream_error' },
                },
              ],
            },
          ],
        },
      ],
    });
  });
});
