import type { AttemptRow, EntryRow } from './tables.ts';
import type { Feedback, LogAttempt, LogEntry, LogEntryDetail, LogEntrySummary, LogQuery } from './schema.ts';

/** The entry's fields that no filter reads, kept as one JSON column. */
export type EntryDetail = Pick<
  LogEntry,
  | 'clientRequestId'
  | 'keyKind'
  | 'method'
  | 'path'
  | 'provider'
  | 'routing'
  | 'fallback'
  | 'stream'
  | 'inputTokens'
  | 'outputTokens'
  | 'costUsd'
  | 'ttftMs'
  | 'cache'
  | 'sessionId'
  | 'toolCalls'
  | 'guardrails'
  | 'traceId'
> & { attempts: number };

export function detailOf(entry: LogEntry): EntryDetail {
  return {
    clientRequestId: entry.clientRequestId,
    keyKind: entry.keyKind,
    method: entry.method,
    path: entry.path,
    provider: entry.provider,
    routing: entry.routing,
    fallback: entry.fallback,
    stream: entry.stream,
    inputTokens: entry.inputTokens,
    outputTokens: entry.outputTokens,
    costUsd: entry.costUsd,
    ttftMs: entry.ttftMs,
    cache: entry.cache,
    sessionId: entry.sessionId,
    toolCalls: entry.toolCalls,
    guardrails: entry.guardrails,
    traceId: entry.traceId,
    attempts: entry.attempts.length,
  };
}

/** An error for a list: an HTTP error, or a failure reported after a 200 (a stream cut off). */
export function isError(entry: Pick<LogEntry, 'status' | 'errorCode'>): boolean {
  return entry.status >= 400 || entry.errorCode !== undefined;
}

/** Cost as the filter compares it: whole micro-dollars, as stored. */
export const microUsd = (usd: number): number => Math.round(usd * 1e6);

/**
 * The cursor is where the last page ended: its entry's time and sequence number, base64url. It
 * names no tenant and carries nothing a caller could not see; a forged one only moves the page.
 */
export function encodeCursor(time: number, seq: number): string {
  return btoa(`${time}:${seq}`).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function decodeCursor(cursor: string): { time: number; seq: number } | undefined {
  let text: string;
  try {
    text = atob(cursor.replace(/-/g, '+').replace(/_/g, '/'));
  } catch {
    return undefined;
  }
  const match = /^(\d{1,15}):(\d{1,15})$/.exec(text);
  if (match === null) return undefined;
  return { time: Number(match[1]), seq: Number(match[2]) };
}

/** The WHERE clause and its bindings for a query's filters (and its cursor). */
export function whereOf(
  query: LogQuery,
  after: { time: number; seq: number } | undefined,
): { sql: string; params: (string | number)[] } {
  const clauses: string[] = [];
  const params: (string | number)[] = [];
  const add = (clause: string, ...values: (string | number)[]): void => {
    clauses.push(clause);
    params.push(...values);
  };
  if (query.from !== undefined) add('time >= ?', query.from);
  if (query.to !== undefined) add('time < ?', query.to);
  if (query.status === 'error') add('is_error = 1');
  else if (query.status === 'ok') add('is_error = 0');
  else if (query.status !== undefined) add('status = ?', query.status);
  if (query.errorCode !== undefined) add('error_code = ?', query.errorCode);
  if (query.model !== undefined) add('(model = ? OR model_requested = ?)', query.model, query.model);
  if (query.keyId !== undefined) add('key_id = ?', query.keyId);
  if (query.route !== undefined) add('route = ?', query.route);
  if (query.user !== undefined) add('user = ?', query.user);
  // The name is letters, digits, "_" and "-" (the schema's pattern), so it is safe in a JSON path.
  if (query.metadata !== undefined)
    add('json_extract(metadata, ?) = ?', `$."${query.metadata.name}"`, query.metadata.value);
  if (query.minCost !== undefined) add('cost_micro_usd >= ?', microUsd(query.minCost));
  if (query.minDurationMs !== undefined) add('duration_ms >= ?', query.minDurationMs);
  if (after !== undefined) add('(time, seq) < (?, ?)', after.time, after.seq);
  return { sql: clauses.length === 0 ? '' : `WHERE ${clauses.join(' AND ')}`, params };
}

export function summaryOf(row: EntryRow): LogEntrySummary {
  const detail = JSON.parse(row.detail) as EntryDetail;
  const feedback = row.feedback === null ? null : (JSON.parse(row.feedback) as Feedback & { at: string });
  return {
    id: row.id,
    time: new Date(row.time).toISOString(),
    clientRequestId: detail.clientRequestId ?? null,
    keyId: row.key_id,
    keyKind: detail.keyKind,
    method: detail.method,
    route: row.route,
    path: detail.path,
    status: row.status,
    errorCode: row.error_code,
    modelRequested: row.model_requested,
    model: row.model,
    provider: detail.provider ?? null,
    routing: detail.routing ?? null,
    fallback: detail.fallback,
    stream: detail.stream,
    attempts: detail.attempts,
    inputTokens: detail.inputTokens,
    outputTokens: detail.outputTokens,
    costUsd: detail.costUsd,
    ttftMs: detail.ttftMs,
    durationMs: row.duration_ms,
    cache: detail.cache,
    sessionId: detail.sessionId ?? null,
    user: row.user,
    metadata: JSON.parse(row.metadata) as Record<string, string>,
    toolCalls: detail.toolCalls,
    guardrails: detail.guardrails,
    traceId: detail.traceId ?? null,
    feedback,
    hasBodies: row.has_bodies === 1,
  };
}

export function attemptOf(row: AttemptRow): LogAttempt {
  return {
    model: row.model,
    attempt: row.attempt,
    outcome: row.outcome as LogAttempt['outcome'],
    ...(row.status === null ? {} : { status: row.status }),
    startMs: row.start_ms,
    latencyMs: row.latency_ms,
    purpose: row.purpose as LogAttempt['purpose'],
    ...(row.message === null ? {} : { message: row.message }),
  };
}

export function detailView(
  summary: LogEntrySummary,
  attempts: LogAttempt[],
  bodies: LogEntryDetail['bodies'],
): LogEntryDetail {
  return { ...summary, attempts, bodies };
}
