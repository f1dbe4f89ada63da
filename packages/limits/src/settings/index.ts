export { RATE_DIMENSIONS, budgetLimitsSchema, limitsSettingsSchema, rateLimitSchema } from './settings.ts';
export type {
  BudgetLimits,
  LimitsSettings,
  LimitsSettingsInput,
  RateDimension,
  RateLimit,
} from './settings.ts';
