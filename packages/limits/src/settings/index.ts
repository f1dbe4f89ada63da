export {
  LIMIT_MODES,
  RATE_DIMENSIONS,
  budgetLimitsSchema,
  leaseSettingsSchema,
  limitsSettingsSchema,
  rateLimitSchema,
} from './settings.ts';
export type {
  BudgetLimits,
  LeaseSettings,
  LimitMode,
  LimitsSettings,
  LimitsSettingsInput,
  RateDimension,
  RateLimit,
} from './settings.ts';
