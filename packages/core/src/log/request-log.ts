/**
 * One structured line per request. Kept flat and JSON so Workers Logs / Logpush can index it;
 * later issues add usage fields (tokens, cost, model) to the same line rather than a second one.
 */
export interface RequestLogLine {
  level: 'info' | 'warn' | 'error';
  msg: 'request';
  /** The gateway's own id for the request (`req_…`), unique per request. */
  requestId: string;
  /** The client's id for the request, when it sent a well-formed one (correlation only). */
  clientRequestId?: string;
  tenantId: string | null;
  keyId: string | null;
  method: string;
  route: string;
  path: string;
  status: number;
  latencyMs: number;
  errorCode?: string;
  [extra: string]: unknown;
}

export type LogSink = (line: RequestLogLine) => void;

/** Default sink: one JSON line on stdout (what `wrangler tail` and Workers Logs read). */
export const consoleSink: LogSink = (line) => {
  console.log(JSON.stringify(line));
};
