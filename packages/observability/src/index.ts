export { PRICING, costOf, priceFor } from './pricing.ts';
export type { Cost, ModelPrice } from './pricing.ts';
export { usageRecordSchema } from './usage.ts';
export type { UsageRecord } from './usage.ts';
export * from './usage-store/index.ts';
export * from './analytics/index.ts';
export * from './request-log/index.ts';
export * from './traces/index.ts';
