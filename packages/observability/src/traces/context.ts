/**
 * W3C Trace Context (`traceparent`, `tracestate`): what a caller sends to continue its trace, and
 * what the gateway sends upstream so a provider's spans join the same trace.
 */

/** A trace position: the trace, the span that is the parent of what comes next, and its sampling. */
export interface TraceParent {
  /** 32 lower-case hex digits, not all zero. */
  traceId: string;
  /** 16 lower-case hex digits, not all zero. */
  spanId: string;
  sampled: boolean;
  /** The caller's `tracestate`, passed on unchanged. */
  state?: string | undefined;
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const ZERO_TRACE = '0'.repeat(32);
const ZERO_SPAN = '0'.repeat(16);

/**
 * Parses a `traceparent` header. Version `00` must have exactly four fields; a later version may
 * add fields after them, which are ignored (the spec's forward compatibility). Version `ff`, all-zero
 * ids and anything malformed give undefined: the request then starts a trace of its own.
 */
export function parseTraceparent(header: string | undefined, state?: string): TraceParent | undefined {
  if (header === undefined) return undefined;
  const match = TRACEPARENT.exec(header.trim());
  if (match === null) return undefined;
  const [, version, traceId, spanId, flags, rest] = match;
  if (version === undefined || traceId === undefined || spanId === undefined || flags === undefined)
    return undefined;
  if (version === 'ff' || (version === '00' && rest !== undefined)) return undefined;
  if (traceId === ZERO_TRACE || spanId === ZERO_SPAN) return undefined;
  const tracestate = state?.trim();
  return {
    traceId,
    spanId,
    sampled: (parseInt(flags, 16) & 1) === 1,
    ...(tracestate !== undefined && tracestate !== '' && tracestate.length <= 512
      ? { state: tracestate }
      : {}),
  };
}

/** The `traceparent` header naming `spanId` in `traceId` (version 00). */
export function formatTraceparent(traceId: string, spanId: string, sampled: boolean): string {
  return `00-${traceId}-${spanId}-${sampled ? '01' : '00'}`;
}

function randomHex(bytes: number): string {
  const buffer = crypto.getRandomValues(new Uint8Array(bytes));
  let hex = '';
  for (const byte of buffer) hex += byte.toString(16).padStart(2, '0');
  // All zeros is invalid in W3C Trace Context; at 2^-64 odds, but it costs one comparison.
  return /^0+$/.test(hex) ? randomHex(bytes) : hex;
}

export const newTraceId = (): string => randomHex(16);
export const newSpanId = (): string => randomHex(8);
