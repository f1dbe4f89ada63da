export { gcra } from './gcra.ts';
export type { GcraDecision, GcraInput } from './gcra.ts';
export {
  LEASE_ROW_TTL_MS,
  RateLimiterDO,
  rateCheckInputSchema,
  rateLeaseInputSchema,
} from './rate-limiter-do.ts';
export type { RateCheckInput, RateLeaseInput, RateLeaseResult, RateLimitResult } from './rate-limiter-do.ts';
export { rateLease } from './rate-lease.ts';
export type { RateLeaseDecision } from './rate-lease.ts';
export { rateLimiterName, routeLimiterName } from './naming.ts';
export { checkLimits, rateLimitHeaders, rateLimitedError } from './check-limits.ts';
export type { CheckLimitsOptions, LimitDecision, LimitSubject } from './check-limits.ts';
export {
  AUTH_FAILURE_LIMIT,
  authFailureWait,
  chargeTokens,
  checkTokenRate,
  recordAuthFailure,
} from './key-limits.ts';
export type { KeyLimitOptions, TokenRateSubject } from './key-limits.ts';
export type { LimiterDimension } from './naming.ts';
