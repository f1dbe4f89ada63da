import type { Context } from 'hono';
import { z } from '@hono/zod-openapi';
import { toCsv, usageStore, type UsageMetrics, type UsageSeries } from '@aigw/observability';
import type { GatewayEnv } from '../context.ts';

/**
 * The usage exports for finance teams that reconcile spend: the billing export (per UTC day,
 * key, model and route) as CSV or JSON, and a usage series as CSV. docs/logs.md#billing-export.
 */

export const exportFormat = z
  .enum(['csv', 'json'])
  .optional()
  .describe('csv or json: the billing export (per day, key, model, route) instead of the budget view.');

export const billingRowSchema = z.object({
  day: z.string(),
  keyId: z.string(),
  model: z.string(),
  route: z.string(),
  requests: z.number().int(),
  errors: z.number().int(),
  inputTokens: z.number().int(),
  outputTokens: z.number().int(),
  costUsd: z.number(),
});

/** A CSV download: `text` as `name`, UTF-8. */
export const csvResponse = (c: Context<GatewayEnv>, name: string, text: string): Response => {
  c.header('content-disposition', `attachment; filename="${name}"`);
  return c.body(text, 200, { 'content-type': 'text/csv; charset=utf-8' });
};

/**
 * The billing export of the caller's tenant. Without `from`, the current UTC month so far (to
 * `now`); the range is whole UTC days, at most 31, from the hour rollups (kept 32 days).
 */
export async function billingExport(
  c: Context<GatewayEnv>,
  format: 'csv' | 'json',
  range: { from?: string | undefined; to?: string | undefined },
): Promise<Response> {
  const now = new Date();
  const monthStart = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
  const bill = await usageStore(c.env.USAGE_STORE, c.get('tenant').id).billing({
    from: range.from ?? monthStart,
    to: range.to ?? now.getTime(),
  });
  if (format === 'json') return c.json(bill, 200);
  return csvResponse(
    c,
    `usage-${bill.from.slice(0, 10)}-${bill.to.slice(0, 10)}.csv`,
    toCsv(
      ['day', 'key_id', 'model', 'route', 'requests', 'errors', 'input_tokens', 'output_tokens', 'cost_usd'],
      bill.rows.map((r) => [
        r.day,
        r.keyId,
        r.model,
        r.route,
        r.requests,
        r.errors,
        r.inputTokens,
        r.outputTokens,
        r.costUsd,
      ]),
    ),
  );
}

const metricCells = (m: UsageMetrics) => [
  m.requests,
  m.errors,
  m.inputTokens,
  m.outputTokens,
  m.costUsd,
  m.latencyMs.p50,
  m.latencyMs.p95,
  m.ttftMs.p50,
  m.cacheHitRate,
];

/** A usage series as CSV: one line per bucket, or per bucket and group with `groupBy`. */
export function seriesCsv(c: Context<GatewayEnv>, series: UsageSeries): Response {
  const header = [
    'start',
    ...(series.groupBy === null ? [] : [series.groupBy]),
    'requests',
    'errors',
    'input_tokens',
    'output_tokens',
    'cost_usd',
    'latency_p50_ms',
    'latency_p95_ms',
    'ttft_p50_ms',
    'cache_hit_rate',
  ];
  const rows =
    series.groupBy === null
      ? series.buckets.map((b) => [b.start, ...metricCells(b.total)])
      : series.buckets.flatMap((b) =>
          Object.entries(b.groups ?? {}).map(([group, metrics]) => [b.start, group, ...metricCells(metrics)]),
        );
  return csvResponse(c, `usage-series-${series.granularity}.csv`, toCsv(header, rows));
}
