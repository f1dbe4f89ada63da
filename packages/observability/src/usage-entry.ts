/**
 * `@aigw/observability/usage`: the usage record schema and the pricing table alone, with no
 * Durable Object code (`cloudflare:workers`), for Node scripts and anything outside workerd.
 */
export { PRICING, costOf, priceFor } from './pricing.ts';
export type { Cost, ModelPrice } from './pricing.ts';
export { usageRecordSchema } from './usage.ts';
export type { UsageRecord } from './usage.ts';
