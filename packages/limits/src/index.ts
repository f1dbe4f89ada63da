/**
 * @aigw/limits: rate limits (GCRA, one `RateLimiterDO` per limited key) and token/spend budgets
 * (`BudgetDO`, reserve then settle), both in SQLite Durable Objects. See docs/limits.md.
 */
export * from '@aigw/limits/settings';
export * from './rate-limit/index.ts';
export * from './budget/index.ts';
export * from './lease/index.ts';
