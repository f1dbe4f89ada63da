export { gcra } from './gcra.ts';
export type { GcraDecision, GcraInput } from './gcra.ts';
export { RateLimiterDO, rateCheckInputSchema } from './rate-limiter-do.ts';
export type { RateCheckInput, RateLimitResult } from './rate-limiter-do.ts';
export { rateLimiterName, routeLimiterName } from './naming.ts';
export { checkLimits, rateLimitHeaders, rateLimitedError } from './check-limits.ts';
export type { CheckLimitsOptions, LimitDecision, LimitSubject } from './check-limits.ts';
