import { z } from 'zod';
import { instant } from '../usage-store/schema.ts';

/**
 * The request log's shapes: what the gateway writes per request (`logEntrySchema`), what a
 * caller may ask for (`logQuerySchema`), feedback, and the views the API answers with. One schema
 * per shape; the Durable Object validates what it is sent, the routes document the same fields.
 */

/** The gateway's own request ids (`req_<32 hex>`): an entry's id, unguessable. */
export const LOG_ID = /^req_[0-9a-f]{32}$/;
export const logIdSchema = z.string().regex(LOG_ID, 'a request id, req_ and 32 hex digits');

/** Short identifiers and labels (route patterns, model ids, key ids, error codes). */
const label = (max = 200) => z.string().min(1).max(max);

/** Caller metadata (`x-gateway-metadata`): the header's own bounds, so any accepted header fits. */
export const METADATA_NAME = /^[A-Za-z0-9_-]{1,64}$/;
export const logMetadataSchema = z
  .record(z.string().regex(METADATA_NAME), z.string().max(256))
  .refine((metadata) => Object.keys(metadata).length <= 32, 'at most 32 entries');

/** One call to a model (one try of one target): a child record of its entry. */
export const logAttemptSchema = z.object({
  model: label(),
  /** 1 for the first try of this model, 2 for its first retry, … */
  attempt: z.int().min(1).max(100),
  outcome: z.enum(['ok', 'error', 'timeout', 'circuit_open', 'cancelled']),
  /** The upstream's HTTP status, when it answered with one. */
  status: z.int().min(100).max(599).optional(),
  /** Milliseconds after the request started that the attempt started. */
  startMs: z.number().min(0),
  /** Until its first token (`ok`) or its failure. */
  latencyMs: z.number().min(0),
  /** `chat` for the answer's own calls, `tools` for a tool's calls to the tools model. */
  purpose: z.enum(['chat', 'search', 'tools']).default('chat'),
  message: z.string().max(500).optional(),
});
export type LogAttempt = z.output<typeof logAttemptSchema>;
export type LogAttemptInput = z.input<typeof logAttemptSchema>;

/** A gateway tool the request ran (a model's call in a chat, or POST /tools/{name}). */
export const logToolCallSchema = z.object({
  name: label(64),
  ok: z.boolean(),
  errorCode: label(64).optional(),
  startMs: z.number().min(0),
  latencyMs: z.number().min(0),
});
export type LogToolCall = z.infer<typeof logToolCallSchema>;

/** A guardrail decision, grouped (rule, action, direction, surface) with how often it was taken. */
export const logGuardrailSchema = z.object({
  rule: label(48),
  detector: label(32),
  action: z.enum(['block', 'redact', 'flag']),
  on: z.enum(['input', 'output']),
  surface: label(16),
  count: z.int().min(1),
  categories: z.array(label(8)).max(16).optional(),
});

/** One body as stored: redacted text, cut at the tenant's cap. */
export const logBodySchema = z.object({
  text: z.string().max(300_000),
  /** The size of the body as sent or answered, before the cut (bytes; null when unknown, e.g. a stream cut off). */
  bytes: z.int().min(0).nullable(),
  truncated: z.boolean(),
  contentType: z.string().max(200).nullable(),
});
export type LogBody = z.infer<typeof logBodySchema>;

export const logBodiesSchema = z.object({
  request: logBodySchema.optional(),
  response: logBodySchema.optional(),
  /** Request headers with every credential replaced by `[REDACTED]`. */
  headers: z.record(z.string().max(128), z.string().max(2048)).optional(),
});
export type LogBodies = z.infer<typeof logBodiesSchema>;

/** What the gateway writes for one request. */
export const logEntrySchema = z.object({
  id: logIdSchema,
  /** When the request started, ms since the epoch. */
  time: z.int().min(0),
  clientRequestId: z.string().max(128).optional(),
  keyId: label(128),
  keyKind: z.enum(['config', 'runtime']),
  method: label(16),
  /** The matched route pattern (`/v1/chat/completions`), never the raw path. */
  route: label(),
  path: z.string().max(2048),
  status: z.int().min(100).max(599),
  errorCode: label(64).optional(),
  /** The model the client named (an alias, a route or a model id), as sent. */
  modelRequested: label().optional(),
  /** The model that answered (`provider/model`): a fallback's when one did. */
  model: label().optional(),
  provider: label(64).optional(),
  /** The route branch of a routed request. */
  routing: z.object({ route: label(), version: z.int().min(1), branch: label() }).optional(),
  /** Another model answered than the first one tried. */
  fallback: z.boolean().default(false),
  stream: z.boolean().default(false),
  /** The answer's usage plus any tools' model calls: what the request cost in all. */
  inputTokens: z.int().min(0).default(0),
  outputTokens: z.int().min(0).default(0),
  costUsd: z.number().min(0).default(0),
  ttftMs: z.number().min(0).nullable().default(null),
  durationMs: z.number().min(0),
  /** The response cache or search cache: a hit, a miss, or not consulted (null). */
  cache: z.enum(['hit', 'miss']).nullable().default(null),
  sessionId: z.string().max(200).optional(),
  user: z.string().min(1).max(256).optional(),
  metadata: logMetadataSchema.default({}),
  attempts: z.array(logAttemptSchema).max(200).default([]),
  toolCalls: z.array(logToolCallSchema).max(200).default([]),
  guardrails: z.array(logGuardrailSchema).max(64).default([]),
  /** The trace the request's spans belong to (32 hex), when it was traced or continued one. */
  traceId: z
    .string()
    .regex(/^[0-9a-f]{32}$/)
    .optional(),
  bodies: logBodiesSchema.optional(),
});
export type LogEntryInput = z.input<typeof logEntrySchema>;
export type LogEntry = z.output<typeof logEntrySchema>;

/** Feedback on an entry, for evaluation work: a score (e.g. 1/−1, or 1–5) and a comment. */
export const feedbackSchema = z
  .object({
    score: z
      .number()
      .min(-100)
      .max(100)
      .describe('A number from −100 to 100: 1/−1 for thumbs, 1–5 for ratings…'),
    comment: z.string().max(2000).optional().describe('Free text, at most 2,000 characters.'),
  })
  .strict();
export type Feedback = z.infer<typeof feedbackSchema>;

export const LOG_PAGE_MAX = 200;
/** The most entries one CSV export holds (a page of its own; continue with its cursor). */
export const LOG_EXPORT_MAX = 10_000;

/** A query-string number (`minCost=0.5`) or a number. */
const decimal = z.union([
  z.number().min(0),
  z
    .string()
    .regex(/^\d{1,12}(\.\d{1,9})?$/, 'a non-negative decimal number')
    .transform(Number),
]);

/**
 * `status`: `error` (an HTTP error, or a stream that failed after its 200), `ok` (the rest), or
 * one HTTP status.
 */
const statusFilter = z.union([
  z.enum(['error', 'ok']),
  z
    .string()
    .regex(/^[1-5]\d\d$/, 'error, ok or an HTTP status')
    .transform(Number),
  z.int().min(100).max(599),
]);

/** `metadata=<name>:<value>`: entries whose caller metadata has that value under that name. */
const metadataFilter = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}:.{0,256}$/s, '<name>:<value>, the name letters, digits, "_" or "-"')
  .transform((raw) => {
    const at = raw.indexOf(':');
    return { name: raw.slice(0, at), value: raw.slice(at + 1) };
  });

/** The list query: every field a query parameter of `GET /v1/logs`. */
export const logQuerySchema = z
  .object({
    from: instant.optional(),
    to: instant.optional(),
    status: statusFilter.optional(),
    errorCode: label(64).optional(),
    /** The model used or the one asked for (an alias or route name matches too). */
    model: label().optional(),
    keyId: label(128).optional(),
    route: label().optional(),
    user: z.string().min(1).max(256).optional(),
    metadata: metadataFilter.optional(),
    minCost: decimal.optional(),
    minDurationMs: decimal.optional(),
    limit: z.coerce.number().int().min(1).max(LOG_EXPORT_MAX).default(50),
    cursor: z.string().max(64).optional(),
  })
  .strict();
export type LogQueryInput = z.input<typeof logQuerySchema>;
export type LogQuery = z.output<typeof logQuerySchema>;

/** An entry as a list shows it: everything but attempts' details and bodies. */
export interface LogEntrySummary {
  id: string;
  time: string;
  clientRequestId: string | null;
  keyId: string;
  keyKind: 'config' | 'runtime';
  method: string;
  route: string;
  path: string;
  status: number;
  errorCode: string | null;
  modelRequested: string | null;
  model: string | null;
  provider: string | null;
  routing: { route: string; version: number; branch: string } | null;
  fallback: boolean;
  stream: boolean;
  attempts: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  ttftMs: number | null;
  durationMs: number;
  cache: 'hit' | 'miss' | null;
  sessionId: string | null;
  user: string | null;
  metadata: Record<string, string>;
  toolCalls: LogToolCall[];
  guardrails: z.infer<typeof logGuardrailSchema>[];
  traceId: string | null;
  feedback: (Feedback & { at: string }) | null;
  hasBodies: boolean;
}

/** One entry in full: its attempts as child records and, when they were kept, its bodies. */
export interface LogEntryDetail extends Omit<LogEntrySummary, 'attempts'> {
  attempts: LogAttempt[];
  bodies: LogBodies | null;
}

export interface LogPage {
  data: LogEntrySummary[];
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}
