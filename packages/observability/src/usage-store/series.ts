import { emptyDense, mergeInto, percentile, type Histogram } from './histogram.ts';
import {
  FAILED_BEFORE_ROUTING,
  GRANULARITY_MS,
  NO_MODEL,
  NO_ROUTE,
  REFUSED_BEFORE_ROUTING,
  type GroupBy,
  type SeriesBucket,
  type SeriesQuery,
  type UsageMetrics,
  type UsageSeries,
} from './schema.ts';
import { NO_MODEL_MARKERS, type RollupRow } from './tables.ts';

/** Sums of rollup rows, before percentiles and rates are derived. */
interface Accumulator {
  requests: number;
  errors: number;
  errorsByCode: Map<string, number>;
  inputTokens: number;
  outputTokens: number;
  costMicroUsd: number;
  cacheLookups: number;
  cacheHits: number;
  latency: number[];
  ttft: number[];
  /** `<rule>:<action>` → decisions. */
  guardrails: Map<string, number>;
}

function emptyAccumulator(): Accumulator {
  return {
    requests: 0,
    errors: 0,
    errorsByCode: new Map(),
    inputTokens: 0,
    outputTokens: 0,
    costMicroUsd: 0,
    cacheLookups: 0,
    cacheHits: 0,
    latency: emptyDense(),
    ttft: emptyDense(),
    guardrails: new Map(),
  };
}

function add(into: Accumulator, row: RollupRow): void {
  into.requests += row.requests;
  into.errors += row.errors;
  for (const [code, count] of Object.entries(JSON.parse(row.error_codes) as Record<string, number>)) {
    into.errorsByCode.set(code, (into.errorsByCode.get(code) ?? 0) + count);
  }
  into.inputTokens += row.input_tokens;
  into.outputTokens += row.output_tokens;
  into.costMicroUsd += row.cost_micro_usd;
  into.cacheLookups += row.cache_lookups;
  into.cacheHits += row.cache_hits;
  mergeInto(into.latency, JSON.parse(row.latency_hist) as Histogram);
  mergeInto(into.ttft, JSON.parse(row.ttft_hist) as Histogram);
  for (const [key, count] of Object.entries(JSON.parse(row.guardrails) as Record<string, number>)) {
    into.guardrails.set(key, (into.guardrails.get(key) ?? 0) + count);
  }
}

/** `rule:action` counts as rule → action → count, rules in order. */
function guardrailsOf(counts: Map<string, number>): Record<string, Record<string, number>> {
  const byRule: Record<string, Record<string, number>> = {};
  for (const [key, count] of [...counts].sort(([a], [b]) => a.localeCompare(b))) {
    const at = key.lastIndexOf(':');
    const rule = key.slice(0, at);
    (byRule[rule] ??= {})[key.slice(at + 1)] = count;
  }
  return byRule;
}

function metricsOf(acc: Accumulator): UsageMetrics {
  return {
    requests: acc.requests,
    errors: acc.errors,
    errorsByCode: Object.fromEntries([...acc.errorsByCode].sort(([a], [b]) => a.localeCompare(b))),
    inputTokens: acc.inputTokens,
    outputTokens: acc.outputTokens,
    // Sums are kept in micro-dollars (integers), so no float noise accumulates.
    costUsd: acc.costMicroUsd / 1e6,
    latencyMs: { p50: percentile(acc.latency, 0.5), p95: percentile(acc.latency, 0.95) },
    ttftMs: { p50: percentile(acc.ttft, 0.5) },
    cacheLookups: acc.cacheLookups,
    cacheHitRate: acc.cacheLookups === 0 ? null : acc.cacheHits / acc.cacheLookups,
    guardrails: guardrailsOf(acc.guardrails),
  };
}

function groupKey(row: RollupRow, groupBy: GroupBy): string {
  if (groupBy === 'route') return row.route;
  if (groupBy === 'key') return row.key_id;
  if (groupBy === 'branch') return row.branch === '' ? NO_ROUTE : row.branch;
  return MODEL_GROUP_LABELS.get(row.model) ?? row.model;
}

/** The group key of each no-model marker (tables.ts), as the series reports it. */
export const MODEL_GROUP_LABELS = new Map<string, string>([
  [NO_MODEL_MARKERS.none, NO_MODEL],
  [NO_MODEL_MARKERS.refused, REFUSED_BEFORE_ROUTING],
  [NO_MODEL_MARKERS.failed, FAILED_BEFORE_ROUTING],
]);

/** The bucket-aligned range: `from` rounded down, `to` rounded up to the granularity. */
export function alignedRange(query: SeriesQuery): { start: number; end: number; step: number } {
  const step = GRANULARITY_MS[query.granularity];
  return { start: Math.floor(query.from / step) * step, end: Math.ceil(query.to / step) * step, step };
}

/**
 * Folds rollup rows (of a grain no coarser than the query's) into the dense series. Rows outside
 * the aligned range are ignored.
 */
export function buildSeries(tenantId: string, query: SeriesQuery, rows: Iterable<RollupRow>): UsageSeries {
  const { start, end, step } = alignedRange(query);
  const count = (end - start) / step;
  const totals = Array.from({ length: count }, emptyAccumulator);
  const grouped = Array.from({ length: count }, () => new Map<string, Accumulator>());
  const overall = emptyAccumulator();
  const overallGroups = new Map<string, Accumulator>();
  const { groupBy } = query;

  for (const row of rows) {
    const index = Math.floor((row.start - start) / step);
    const bucket = totals[index];
    if (!bucket) continue;
    add(bucket, row);
    add(overall, row);
    if (!groupBy) continue;
    const key = groupKey(row, groupBy);
    for (const map of [grouped[index], overallGroups]) {
      if (!map) continue;
      let acc = map.get(key);
      if (!acc) map.set(key, (acc = emptyAccumulator()));
      add(acc, row);
    }
  }

  const buckets: SeriesBucket[] = totals.map((acc, index) => {
    const bucket: SeriesBucket = {
      start: new Date(start + index * step).toISOString(),
      total: metricsOf(acc),
    };
    if (groupBy) {
      const groups = grouped[index] ?? new Map<string, Accumulator>();
      bucket.groups = Object.fromEntries(
        [...groups].sort(([a], [b]) => a.localeCompare(b)).map(([key, g]) => [key, metricsOf(g)]),
      );
    }
    return bucket;
  });
  const series: UsageSeries = {
    tenantId,
    granularity: query.granularity,
    groupBy: groupBy ?? null,
    from: new Date(start).toISOString(),
    to: new Date(end).toISOString(),
    buckets,
    total: metricsOf(overall),
  };
  if (groupBy) {
    series.groups = [...overallGroups]
      .map(([key, acc]) => ({ key, total: metricsOf(acc) }))
      .sort((a, b) => b.total.requests - a.total.requests || a.key.localeCompare(b.key));
  }
  return series;
}
