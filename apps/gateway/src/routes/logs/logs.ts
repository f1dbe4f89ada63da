import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { GatewayError } from '@aigw/core';
import {
  branchOf,
  LOG_PAGE_MAX,
  requestLogStore,
  toCsv,
  type LogEntrySummary,
  type LogQueryInput,
} from '@aigw/observability';
import type { GatewayApp, GatewayEnv } from '../../context.ts';
import { anyScope } from '../../middleware/tenant/index.ts';
import { jsonBody } from '../../middleware/json-body/index.ts';
import { DASHBOARD_CSP, LOGS_HTML } from '../../dashboard/index.ts';
import { errorResponses } from '../openapi.ts';
import { csvResponse } from '../usage-export.ts';
import { feedbackBody, logEntryDetail, logIdParam, logListQuery, logPage } from './schema.ts';

export const LOGS_PATH = '/v1/logs';
export const LOGS_PAGE_PATH = '/dashboard/logs';
/** Entries a CSV export holds when the request names no limit. */
const CSV_DEFAULT_LIMIT = 1000;

const common = {
  tags: ['logs'],
  security: [{ bearer: [] }],
  middleware: [anyScope('logs', 'admin')],
};
const whose = "the caller's tenant (scope `logs` or `admin`)";
const notFound = {
  404: {
    description: 'not_found: no entry with this id in the caller’s log (another tenant’s ids included)',
    content: errorResponses[400].content,
  },
} as const;

const listRoute = createRoute({
  ...common,
  method: 'get',
  path: LOGS_PATH,
  summary: `The request log of ${whose}: newest first, filtered, a page at a time (or as CSV).`,
  request: { query: logListQuery },
  responses: {
    200: {
      description: '`{ data, nextCursor }`; with format=csv, text/csv and the next cursor in x-next-cursor.',
      content: { 'application/json': { schema: logPage }, 'text/csv': { schema: z.string() } },
    },
    ...errorResponses,
  },
});

const getRoute = createRoute({
  ...common,
  method: 'get',
  path: `${LOGS_PATH}/{id}`,
  summary: 'One entry: its attempts as a timeline and, when the tenant keeps them, its bodies (redacted).',
  request: { params: logIdParam },
  responses: {
    200: { description: 'The entry.', content: { 'application/json': { schema: logEntryDetail } } },
    ...errorResponses,
    ...notFound,
  },
});

const feedbackRoute = createRoute({
  ...common,
  middleware: [...common.middleware, jsonBody()],
  method: 'post',
  path: `${LOGS_PATH}/{id}/feedback`,
  summary: 'Feedback on an entry, for evaluation work: a score and a comment (replaces earlier feedback).',
  request: {
    params: logIdParam,
    body: { required: true, content: { 'application/json': { schema: feedbackBody } } },
  },
  responses: {
    200: {
      description: 'The feedback as stored.',
      content: {
        'application/json': {
          schema: z.object({ id: z.string(), feedback: feedbackBody.extend({ at: z.string() }) }),
        },
      },
    },
    ...errorResponses,
    ...notFound,
  },
});

const deleteRoute = createRoute({
  ...common,
  method: 'delete',
  path: `${LOGS_PATH}/{id}`,
  summary: 'Deletes one entry with its attempts and bodies.',
  request: { params: logIdParam },
  responses: {
    200: {
      description: 'Deleted.',
      content: { 'application/json': { schema: z.object({ deleted: z.number().int() }) } },
    },
    ...errorResponses,
    ...notFound,
  },
});

const deleteUserRoute = createRoute({
  ...common,
  method: 'delete',
  path: LOGS_PATH,
  summary: 'A privacy request: deletes every entry of one end user (`user`), answering how many there were.',
  request: {
    query: z.object({ user: z.string().min(1).max(256).describe('The end user, as requests named them.') }),
  },
  responses: {
    200: {
      description: 'Deleted.',
      content: { 'application/json': { schema: z.object({ deleted: z.number().int() }) } },
    },
    ...errorResponses,
  },
});

const pageRoute = createRoute({
  method: 'get',
  path: LOGS_PAGE_PATH,
  tags: ['logs'],
  summary:
    'The request log page: filters, entries, an entry’s attempts as a timeline. Public page; data needs a key with logs or admin.',
  responses: {
    200: {
      description: 'A self-contained HTML page (no external requests).',
      content: { 'text/html': { schema: z.string() } },
    },
  },
});

const store = (c: Context<GatewayEnv>) => requestLogStore(c.env.REQUEST_LOG, c.get('tenant').id);

/** The entries as finance and support teams read them: one line each, nested fields flattened. */
export function logCsv(entries: readonly LogEntrySummary[]): string {
  return toCsv(
    [
      'time',
      'id',
      'client_request_id',
      'key_id',
      'method',
      'route',
      'status',
      'error_code',
      'model_requested',
      'model',
      'provider',
      'route_branch',
      'fallback',
      'stream',
      'attempts',
      'input_tokens',
      'output_tokens',
      'cost_usd',
      'ttft_ms',
      'duration_ms',
      'cache',
      'user',
      'session_id',
      'metadata',
      'tool_calls',
      'trace_id',
      'feedback_score',
    ],
    entries.map((e) => [
      e.time,
      e.id,
      e.clientRequestId,
      e.keyId,
      e.method,
      e.route,
      e.status,
      e.errorCode,
      e.modelRequested,
      e.model,
      e.provider,
      e.routing && branchOf(e.routing),
      e.fallback,
      e.stream,
      e.attempts,
      e.inputTokens,
      e.outputTokens,
      e.costUsd,
      e.ttftMs,
      e.durationMs,
      e.cache,
      e.user,
      e.sessionId,
      JSON.stringify(e.metadata),
      e.toolCalls.map((t) => t.name).join(' '),
      e.traceId,
      e.feedback?.score,
    ]),
  );
}

export function registerLogRoutes(app: GatewayApp): void {
  app.openapi(pageRoute, (c) => {
    c.header('content-security-policy', DASHBOARD_CSP);
    c.header('cache-control', 'no-store');
    return c.html(LOGS_HTML, 200);
  });

  app.openapi(listRoute, async (c) => {
    const { format, ...filters } = c.req.valid('query');
    const csv = format === 'csv';
    if (!csv && filters.limit !== undefined && Number(filters.limit) > LOG_PAGE_MAX) {
      throw new GatewayError(
        'invalid_request',
        `limit: at most ${LOG_PAGE_MAX} a page (format=csv takes more)`,
        {
          param: 'limit',
        },
      );
    }
    const query: LogQueryInput = {
      ...filters,
      ...(csv && filters.limit === undefined ? { limit: CSV_DEFAULT_LIMIT } : {}),
    };
    const page = await store(c).list(query);
    if (!csv) return c.json(page, 200);
    if (page.nextCursor !== null) c.header('x-next-cursor', page.nextCursor);
    return csvResponse(c, 'request-log.csv', logCsv(page.data));
  });

  app.openapi(getRoute, async (c) => c.json(await store(c).get(c.req.valid('param').id), 200));

  app.openapi(feedbackRoute, async (c) =>
    c.json(await store(c).feedback(c.req.valid('param').id, c.req.valid('json')), 200),
  );

  app.openapi(deleteRoute, async (c) => c.json(await store(c).remove(c.req.valid('param').id), 200));

  app.openapi(deleteUserRoute, async (c) =>
    c.json(await store(c).removeUser(c.req.valid('query').user), 200),
  );
}
