import { z } from '@hono/zod-openapi';
import { LOG_EXPORT_MAX, LOG_PAGE_MAX } from '@aigw/observability';

/**
 * The request log's routes as OpenAPI documents them. The log store validates every parameter
 * (`logQuerySchema` in @aigw/observability); these schemas describe the same fields.
 */

export const logIdParam = z.object({
  id: z
    .string()
    .openapi({ param: { name: 'id', in: 'path' }, example: 'req_0123456789abcdef0123456789abcdef' })
    .describe("The request's id: its x-request-id header."),
});

export const logListQuery = z.object({
  from: z.string().optional().describe('Start (inclusive): ISO 8601 or epoch ms.'),
  to: z.string().optional().describe('End (exclusive): ISO 8601 or epoch ms.'),
  status: z
    .string()
    .optional()
    .describe('`error` (an HTTP error, or a stream that failed after its 200), `ok`, or one HTTP status.'),
  errorCode: z.string().optional().describe('An error code (docs/errors.md).'),
  model: z.string().optional().describe('The model used, or the alias or route asked for.'),
  keyId: z.string().optional().describe("A key's id (config or runtime)."),
  route: z.string().optional().describe('A route pattern, e.g. /v1/chat/completions.'),
  user: z
    .string()
    .optional()
    .describe("The end user the request named (`user`, Anthropic's metadata.user_id)."),
  metadata: z.string().optional().describe('`<name>:<value>`: a field of the caller’s x-gateway-metadata.'),
  minCost: z.string().optional().describe('Minimum cost, USD.'),
  minDurationMs: z.string().optional().describe('Minimum duration, ms.'),
  limit: z
    .string()
    .optional()
    .describe(
      `Entries per page: 1 to ${LOG_PAGE_MAX} (default 50); with format=csv up to ${LOG_EXPORT_MAX} (default 1,000).`,
    ),
  cursor: z.string().optional().describe('The nextCursor of the previous page.'),
  format: z
    .enum(['json', 'csv'])
    .optional()
    .describe('csv: the page as CSV; its next cursor in x-next-cursor.'),
});

const attempt = z.object({
  model: z.string(),
  attempt: z.number().int(),
  outcome: z.enum(['ok', 'error', 'timeout', 'circuit_open', 'cancelled']),
  status: z.number().int().optional(),
  startMs: z.number().describe('After the request started.'),
  latencyMs: z.number().describe('Until the first token, or the failure.'),
  purpose: z.enum(['chat', 'search', 'tools']),
  message: z.string().optional(),
});

const body = z.object({
  text: z.string(),
  bytes: z.number().int().nullable(),
  truncated: z.boolean(),
  contentType: z.string().nullable(),
});

export const logEntrySummary = z
  .object({
    id: z.string(),
    time: z.string(),
    clientRequestId: z.string().nullable(),
    keyId: z.string(),
    keyKind: z.enum(['config', 'runtime']),
    method: z.string(),
    route: z.string(),
    path: z.string(),
    status: z.number().int(),
    errorCode: z.string().nullable(),
    modelRequested: z.string().nullable(),
    model: z.string().nullable(),
    provider: z.string().nullable(),
    routing: z.object({ route: z.string(), version: z.number().int(), branch: z.string() }).nullable(),
    fallback: z.boolean(),
    stream: z.boolean(),
    attempts: z.number().int(),
    inputTokens: z.number().int(),
    outputTokens: z.number().int(),
    costUsd: z.number(),
    ttftMs: z.number().nullable(),
    durationMs: z.number(),
    cache: z.enum(['hit', 'miss']).nullable(),
    sessionId: z.string().nullable(),
    user: z.string().nullable(),
    metadata: z.record(z.string(), z.string()),
    toolCalls: z.array(
      z.object({
        name: z.string(),
        ok: z.boolean(),
        errorCode: z.string().optional(),
        startMs: z.number(),
        latencyMs: z.number(),
      }),
    ),
    guardrails: z.array(z.record(z.string(), z.unknown())),
    traceId: z.string().nullable(),
    feedback: z.object({ score: z.number(), comment: z.string().optional(), at: z.string() }).nullable(),
    hasBodies: z.boolean(),
  })
  .openapi('LogEntry');

export const logEntryDetail = logEntrySummary
  .omit({ attempts: true })
  .extend({
    attempts: z.array(attempt),
    bodies: z
      .object({
        request: body.optional(),
        response: body.optional(),
        headers: z.record(z.string(), z.string()).optional(),
      })
      .nullable()
      .describe('Only when the tenant keeps bodies (logs.bodies.enabled) and the key allows it.'),
  })
  .openapi('LogEntryDetail');

export const logPage = z
  .object({ data: z.array(logEntrySummary), nextCursor: z.string().nullable() })
  .openapi('LogPage');

export const feedbackBody = z
  .object({
    score: z.number().min(-100).max(100).describe('E.g. 1/−1 for thumbs up/down, 1–5 for a rating.'),
    comment: z.string().max(2000).optional(),
  })
  .strict()
  .openapi('LogFeedback');
