import { z } from 'zod';
import { MODEL_GROUP_LABELS } from './series.ts';
import { DAY_MS, instant, MAX_RANGE_MS } from './schema.ts';
import type { RollupRow } from './tables.ts';

/** The billing export's range: whole UTC days (`from` rounds down, `to` up), at most 31. */
export const billingQuerySchema = z.object({ from: instant, to: instant }).superRefine((query, ctx) => {
  if (query.from >= query.to) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be after from' });
  else if (query.to - query.from > MAX_RANGE_MS.day)
    ctx.addIssue({ code: 'custom', path: ['to'], message: 'the export covers at most 31 days (to − from)' });
});
export type BillingQueryInput = z.input<typeof billingQuerySchema>;

/** One line of the billing export: a UTC day, a key, a model and a route. */
export interface BillingRow {
  /** The UTC day, `YYYY-MM-DD`. */
  day: string;
  keyId: string;
  /** The model id, or how a request without one ended (`no model call`, `refused before routing`, …). */
  model: string;
  route: string;
  requests: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

export interface BillingExport {
  tenantId: string;
  currency: 'USD';
  /** The aligned range, ISO 8601. */
  from: string;
  to: string;
  rows: BillingRow[];
}

/** Folds hour rollups into day × key × model × route lines, ordered by day, then key, model, route. */
export function buildBilling(
  tenantId: string,
  start: number,
  end: number,
  rows: Iterable<RollupRow>,
): BillingExport {
  const lines = new Map<string, BillingRow & { micro: number }>();
  for (const row of rows) {
    const day = new Date(Math.floor(row.start / DAY_MS) * DAY_MS).toISOString().slice(0, 10);
    const model = MODEL_GROUP_LABELS.get(row.model) ?? row.model;
    const id = JSON.stringify([day, row.key_id, model, row.route]);
    let line = lines.get(id);
    if (line === undefined) {
      line = {
        day,
        keyId: row.key_id,
        model,
        route: row.route,
        requests: 0,
        errors: 0,
        inputTokens: 0,
        outputTokens: 0,
        costUsd: 0,
        micro: 0,
      };
      lines.set(id, line);
    }
    line.requests += row.requests;
    line.errors += row.errors;
    line.inputTokens += row.input_tokens;
    line.outputTokens += row.output_tokens;
    line.micro += row.cost_micro_usd;
  }
  const sorted = [...lines.values()].sort(
    (a, b) =>
      a.day.localeCompare(b.day) ||
      a.keyId.localeCompare(b.keyId) ||
      a.model.localeCompare(b.model) ||
      a.route.localeCompare(b.route),
  );
  return {
    tenantId,
    currency: 'USD',
    from: new Date(start).toISOString(),
    to: new Date(end).toISOString(),
    rows: sorted.map(({ micro, ...line }) => ({ ...line, costUsd: micro / 1e6 })),
  };
}

/** The export's day-aligned range. */
export function billingRange(query: { from: number; to: number }): { start: number; end: number } {
  return { start: Math.floor(query.from / DAY_MS) * DAY_MS, end: Math.ceil(query.to / DAY_MS) * DAY_MS };
}
