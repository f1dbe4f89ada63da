export { UsageStoreDO, HOUR_RETENTION_MS, MINUTE_RETENTION_MS, PRUNE_INTERVAL_MS } from './usage-store-do.ts';
export type { SeriesOptions } from './usage-store-do.ts';
export { UsageStore, tenantsUsage, usageStore } from './usage-store.ts';
export type { TenantUsage, TenantsUsageOptions } from './usage-store.ts';
export { usageEventFrom } from './event.ts';
export type { BillingExport, BillingQueryInput, BillingRow } from './billing.ts';
export type { UsageEventContext } from './event.ts';
export {
  GRANULARITIES,
  GROUP_BYS,
  MAX_RANGE_MS,
  FAILED_BEFORE_ROUTING,
  NO_MODEL,
  NO_ROUTE,
  REFUSED_BEFORE_ROUTING,
  branchOf,
  seriesQuerySchema,
  usageEventSchema,
} from './schema.ts';
export type {
  Granularity,
  GroupBy,
  SeriesBucket,
  SeriesQuery,
  SeriesQueryInput,
  TenantUsageEvent,
  UsageEvent,
  UsageEventInput,
  UsageMetrics,
  UsageSeries,
} from './schema.ts';
export { HISTOGRAM_EDGES_MS, MAX_RELATIVE_ERROR, bucketOf, percentile } from './histogram.ts';
