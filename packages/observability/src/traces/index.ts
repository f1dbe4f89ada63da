export { formatTraceparent, newSpanId, newTraceId, parseTraceparent } from './context.ts';
export type { TraceParent } from './context.ts';
export { GEN_AI, GEN_AI_OPERATION, SEMCONV } from './genai.ts';
export { keyValues, otlpSpan, otlpTraceRequest, parseOtlpHeaders, unixNano } from './otlp.ts';
export type {
  AttributeValue,
  Attributes,
  OtlpKeyValue,
  OtlpSpan,
  OtlpTraceRequest,
  SpanData,
  SpanKind,
} from './otlp.ts';
