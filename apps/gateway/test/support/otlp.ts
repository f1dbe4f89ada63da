// The OTLP protobuf types as protobufjs classes (the package's generated module; no public subpath).
import root from '@opentelemetry/otlp-transformer/build/src/generated/root.js';

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
const withoutEmptyLists = (json: unknown): unknown =>
  JSON.parse(JSON.stringify(json), (_key, value: unknown) =>
    Array.isArray(value) && value.length === 0 ? undefined : value,
  ) as unknown;

/**
 * An OTLP/JSON export request through the OTLP protobuf types and back (JSON → message → bytes →
 * message → JSON), next to the same request as protobuf's JSON mapping reads it (ids base64, int64
 * as decimal strings). Equal when every field is one the protocol knows, with its type.
 */
export function otlpRoundTrip(json: unknown): { decoded: unknown; expected: unknown } {
  const message = ExportTraceServiceRequest.fromObject(
    JSON.parse(JSON.stringify(json), (key, value: unknown) =>
      ID_FIELDS.has(key) && typeof value === 'string' ? hexToBase64(value) : value,
    ),
  );
  const bytes = ExportTraceServiceRequest.encode(message).finish();
  const decoded = withoutEmptyLists(
    ExportTraceServiceRequest.toObject(ExportTraceServiceRequest.decode(bytes), {
      longs: String,
      enums: Number,
      bytes: String,
    }),
  );
  const expected = withoutEmptyLists(
    JSON.parse(JSON.stringify(json), (key, value: unknown) => {
      if (ID_FIELDS.has(key) && typeof value === 'string') return hexToBase64(value);
      if (key === 'intValue' && typeof value === 'number') return String(value);
      return value;
    }),
  );
  return { decoded, expected };
}

export interface ExportedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: { key: string; value: Record<string, unknown> }[];
  status: { code: number; message?: string };
}

export interface ExportRequest {
  url: string;
  headers: Headers;
  body: {
    resourceSpans: {
      resource: { attributes: { key: string; value: Record<string, unknown> }[] };
      scopeSpans: { spans: ExportedSpan[] }[];
    }[];
  };
}

/** A collector at the network boundary: the gateway's telemetry fetch, answering 200 (or `status`). */
export function collector(status = 200) {
  const requests: ExportRequest[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    requests.push({ url: request.url, headers: request.headers, body: await request.json() });
    return new Response('{}', { status, headers: { 'content-type': 'application/json' } });
  };
  const spans = (): ExportedSpan[] =>
    requests.flatMap((r) => r.body.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans)));
  /** Waits until the collector has received at least `count` export requests. */
  const received = async (count = 1): Promise<ExportRequest[]> => {
    for (let i = 0; i < 200 && requests.length < count; i++) await new Promise((r) => setTimeout(r, 25));
    return requests;
  };
  return { fetch, requests, spans, received };
}

/** An attribute's value as OTLP/JSON holds it (`{ stringValue }`, `{ intValue }`, …). */
export function attribute(
  owner: { attributes: { key: string; value: Record<string, unknown> }[] } | undefined,
  key: string,
): unknown {
  const value = owner?.attributes.find((a) => a.key === key)?.value;
  return value === undefined ? undefined : Object.values(value)[0];
}
