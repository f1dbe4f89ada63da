/**
 * Spans as OTLP/HTTP JSON (`ExportTraceServiceRequest`, the JSON mapping of the OTLP protobuf):
 * built by hand, since the OpenTelemetry JS SDK's exporters assume a process with a global tracer
 * and context manager, and this is all the gateway needs of them. A test decodes the result with
 * the OTLP protobuf types (`@opentelemetry/otlp-transformer`).
 */

export type AttributeValue = string | number | boolean | readonly string[];
export type Attributes = Readonly<Record<string, AttributeValue | undefined>>;

export type SpanKind = 'internal' | 'server' | 'client';

/** One finished span, in the gateway's terms. */
export interface SpanData {
  traceId: string;
  spanId: string;
  parentSpanId?: string | undefined;
  traceState?: string | undefined;
  name: string;
  kind: SpanKind;
  /** ms since the epoch (fractions allowed). */
  startMs: number;
  endMs: number;
  attributes: Attributes;
  /** An error ends the span with status ERROR and this message. */
  error?: string | undefined;
}

// The protobuf enum values: SpanKind INTERNAL 1, SERVER 2, CLIENT 3; StatusCode UNSET 0, OK 1, ERROR 2.
const KIND = { internal: 1, server: 2, client: 3 } as const;

interface OtlpAnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: number;
  doubleValue?: number;
  arrayValue?: { values: OtlpAnyValue[] };
}
export interface OtlpKeyValue {
  key: string;
  value: OtlpAnyValue;
}
export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  traceState?: string;
  name: string;
  kind: 1 | 2 | 3;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: OtlpKeyValue[];
  droppedAttributesCount: number;
  events: never[];
  droppedEventsCount: number;
  links: never[];
  droppedLinksCount: number;
  status: { code: 0 | 1 | 2; message?: string };
}
export interface OtlpTraceRequest {
  resourceSpans: {
    resource: { attributes: OtlpKeyValue[]; droppedAttributesCount: number };
    scopeSpans: { scope: { name: string; version: string }; spans: OtlpSpan[] }[];
  }[];
}

function anyValue(value: AttributeValue): OtlpAnyValue {
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  if (typeof value === 'number')
    return Number.isInteger(value) ? { intValue: value } : { doubleValue: value };
  return { arrayValue: { values: value.map((item) => ({ stringValue: item })) } };
}

/** Attributes as OTLP key-values; undefined ones are left out. */
export function keyValues(attributes: Attributes): OtlpKeyValue[] {
  const out: OtlpKeyValue[] = [];
  for (const [key, value] of Object.entries(attributes)) {
    if (value !== undefined) out.push({ key, value: anyValue(value) });
  }
  return out;
}

/** ms since the epoch as the decimal string of nanoseconds OTLP's fixed64 takes in JSON. */
export function unixNano(ms: number): string {
  return (BigInt(Math.round(ms * 1000)) * 1000n).toString();
}

export function otlpSpan(span: SpanData): OtlpSpan {
  return {
    traceId: span.traceId,
    spanId: span.spanId,
    ...(span.parentSpanId === undefined ? {} : { parentSpanId: span.parentSpanId }),
    ...(span.traceState === undefined ? {} : { traceState: span.traceState }),
    name: span.name,
    kind: KIND[span.kind],
    startTimeUnixNano: unixNano(span.startMs),
    endTimeUnixNano: unixNano(Math.max(span.startMs, span.endMs)),
    attributes: keyValues(span.attributes),
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: span.error === undefined ? { code: 0 } : { code: 2, message: span.error },
  };
}

/** The export request for spans of one resource (a gateway, with its tenant as an attribute). */
export function otlpTraceRequest(
  resource: Attributes,
  scope: { name: string; version: string },
  spans: readonly OtlpSpan[],
): OtlpTraceRequest {
  return {
    resourceSpans: [
      {
        resource: { attributes: keyValues(resource), droppedAttributesCount: 0 },
        scopeSpans: [{ scope, spans: [...spans] }],
      },
    ],
  };
}

/**
 * Export headers as `OTEL_EXPORTER_OTLP_HEADERS` writes them: `name=value` pairs separated by
 * commas, values percent-encoded (`Authorization=Basic%20cGs6c2s=`). Malformed pairs are skipped.
 */
export function parseOtlpHeaders(raw: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  if (raw === undefined) return headers;
  for (const pair of raw.split(',')) {
    const at = pair.indexOf('=');
    if (at <= 0) continue;
    const name = pair.slice(0, at).trim();
    let value = pair.slice(at + 1).trim();
    try {
      value = decodeURIComponent(value);
    } catch {
      // Not percent-encoded after all: taken as written.
    }
    if (/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) headers[name.toLowerCase()] = value;
  }
  return headers;
}
