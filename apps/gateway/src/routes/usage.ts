import { createRoute, z } from '@hono/zod-openapi';
import { GRANULARITIES, GROUP_BYS, tenantsUsage, usageStore } from '@aigw/observability';
import type { GatewayApp } from '../context.ts';
import { OPERATOR_SECRET } from '../middleware/operator/index.ts';
import { DASHBOARD_CSP, DASHBOARD_HTML } from '../dashboard/index.ts';
import { errorResponses } from './openapi.ts';
import { seriesCsv } from './usage-export.ts';

export const DASHBOARD_PATH = '/dashboard';
export const SERIES_PATH = '/tenant/usage/series';
export const ADMIN_USAGE_PATH = '/admin/tenants/usage';

// The store validates ranges and limits (docs/usage.md); the schema here documents the parameters.
const seriesParams = z.object({
  from: z.string().describe('Start: ISO 8601 or epoch milliseconds.'),
  to: z.string().describe('End: ISO 8601 or epoch milliseconds.'),
  granularity: z.enum(GRANULARITIES),
  groupBy: z.enum(GROUP_BYS).optional(),
});
const seriesQuery = seriesParams.extend({
  format: z
    .enum(['json', 'csv'])
    .optional()
    .describe('csv: one line per bucket (and group), for spreadsheets.'),
});

const metrics = z
  .record(z.string(), z.unknown())
  .describe('requests, errors, errorsByCode, tokens, cost, latency p50/p95, TTFT p50, cache hit rate');

const seriesRoute = createRoute({
  method: 'get',
  path: SERIES_PATH,
  tags: ['usage'],
  summary:
    "The caller's own usage over time: requests, errors by code, tokens, cost, latency and TTFT percentiles, cache hits.",
  security: [{ bearer: [] }],
  request: { query: seriesQuery },
  responses: {
    200: {
      description: 'Every bucket of the range, oldest first; see docs/usage.md for the shape.',
      content: {
        'text/csv': { schema: z.string() },
        'application/json': {
          schema: z
            .object({
              tenantId: z.string(),
              granularity: z.enum(GRANULARITIES),
              groupBy: z.enum(GROUP_BYS).nullable(),
              from: z.string(),
              to: z.string(),
              buckets: z.array(
                z.object({
                  start: z.string(),
                  total: metrics,
                  groups: z.record(z.string(), metrics).optional(),
                }),
              ),
              total: metrics,
              groups: z.array(z.object({ key: z.string(), total: metrics })).optional(),
            })
            .openapi('UsageSeries'),
        },
      },
    },
    ...errorResponses,
  },
});

const dashboardRoute = createRoute({
  method: 'get',
  path: DASHBOARD_PATH,
  tags: ['usage'],
  summary:
    'The usage dashboard: a tenant signs in with its key and sees its charts. Public page; data needs the key.',
  responses: {
    200: {
      description: 'A self-contained HTML page (no external requests).',
      content: { 'text/html': { schema: z.string() } },
    },
  },
});

const adminRoute = createRoute({
  method: 'get',
  path: ADMIN_USAGE_PATH,
  tags: ['admin'],
  summary: "Operators: every tenant's usage totals over a range. Needs the operator key, not a tenant key.",
  // The operator middleware guards every path under /admin/ (app.ts).
  security: [{ operator: [] }],
  request: { query: seriesParams.omit({ groupBy: true }) },
  responses: {
    200: {
      description: 'Totals per tenant of this environment.',
      content: {
        'application/json': {
          schema: z.object({
            tenants: z.array(
              z.object({
                tenantId: z.string(),
                total: metrics.optional(),
                error: z.object({ code: z.string(), message: z.string() }).optional(),
              }),
            ),
          }),
        },
      },
    },
    ...errorResponses,
  },
});

export function registerUsageRoutes(app: GatewayApp): void {
  app.openAPIRegistry.registerComponent('securitySchemes', 'operator', {
    type: 'http',
    scheme: 'bearer',
    description: `The operator key (Worker secret ${OPERATOR_SECRET}).`,
  });

  app.openapi(seriesRoute, async (c) => {
    const { format, ...query } = c.req.valid('query');
    const series = await usageStore(c.env.USAGE_STORE, c.get('tenant').id).series(query);
    return format === 'csv' ? seriesCsv(c, series) : c.json(series, 200);
  });

  app.openapi(dashboardRoute, (c) => {
    c.header('content-security-policy', DASHBOARD_CSP);
    c.header('cache-control', 'no-store');
    return c.html(DASHBOARD_HTML, 200);
  });

  app.openapi(adminRoute, async (c) => {
    const tenantIds = c
      .get('registry')
      .list()
      .map((tenant) => tenant.id);
    const tenants = await tenantsUsage(c.env.USAGE_STORE, tenantIds, c.req.valid('query'));
    return c.json({ tenants }, 200);
  });
}
