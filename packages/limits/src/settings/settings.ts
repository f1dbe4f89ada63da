import { z } from 'zod';

/**
 * Rate limits and budgets of one tenant: the tenant config's `limits` section spreads these fields
 * in (`limits.rates`, `limits.budgets`, `limits.onLimiterError`). Every default is written here,
 * and a dimension without an entry is not limited.
 */

export const RATE_DIMENSIONS = ['tenant', 'key', 'ip'] as const;
export type RateDimension = (typeof RATE_DIMENSIONS)[number];

export const rateLimitSchema = z
  .object({
    rate: z.int().min(1).max(1_000_000).describe('Sustained requests per minute.'),
    burst: z
      .int()
      .min(1)
      .max(1_000_000)
      .describe('Requests admitted at once after a quiet period; reported as RateLimit-Limit.'),
  })
  .strict();
export type RateLimit = z.infer<typeof rateLimitSchema>;

export const budgetLimitsSchema = z
  .object({
    tokensPerDay: z.int().min(1).optional().describe('Tokens (prompt + completion) per UTC day.'),
    usdPerMonth: z.number().positive().optional().describe('Spend in USD per UTC calendar month.'),
  })
  .strict();
export type BudgetLimits = z.infer<typeof budgetLimitsSchema>;

export const limitsSettingsSchema = z
  .object({
    rates: z
      .object({
        tenant: rateLimitSchema.optional().describe('All requests of the tenant together.'),
        key: rateLimitSchema.optional().describe('Each API key on its own.'),
        ip: rateLimitSchema.optional().describe('Each client IP (CF-Connecting-IP) on its own.'),
      })
      .strict()
      .prefault({})
      .describe('Request rate limits (GCRA); a missing dimension is not limited.'),
    budgets: z
      .object({
        tenant: budgetLimitsSchema.optional().describe('Budget of the whole tenant.'),
        key: budgetLimitsSchema.optional().describe('Budget of each API key, unless `keys` names it.'),
        keys: z
          .record(z.string(), budgetLimitsSchema)
          .default({})
          .describe('Budgets of particular API keys, by key id.'),
      })
      .strict()
      .prefault({})
      .describe('Token and spend budgets, reserved before a call and settled after it.'),
    onLimiterError: z
      .enum(['open', 'closed'])
      .default('closed')
      .describe('When the rate limiter itself fails: admit the request (open) or refuse it (closed).'),
  })
  .strict();
export type LimitsSettings = z.infer<typeof limitsSettingsSchema>;
export type LimitsSettingsInput = z.input<typeof limitsSettingsSchema>;
