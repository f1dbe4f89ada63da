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

/**
 * How a tenant's limits and budgets are enforced (docs/limits.md, ADR 0011). `exact`: every request
 * asks the tenant's objects, so N concurrent requests against a limit of L admit exactly L.
 * `leased`: each isolate takes a block of allowance (a lease) from the same objects and spends it
 * locally, so a hot tenant's objects see a call per block instead of per request.
 */
export const LIMIT_MODES = ['exact', 'leased'] as const;
export type LimitMode = (typeof LIMIT_MODES)[number];

/**
 * Lease sizes and lifetimes in `leased` mode. They are the stated bounds: a request rate is never
 * exceeded over the long run and by at most the units outstanding in leases over any shorter
 * interval (≤ isolates × `requests`, spent at most `requestTtlMs` after they were taken); a budget
 * is exceeded only when an isolate dies holding spend it has not reported, by at most its lease
 * (`tokens`, `usd`) plus what its answers used beyond their estimates.
 */
export const leaseSettingsSchema = z
  .object({
    requests: z
      .int()
      .min(1)
      .max(10_000)
      .default(100)
      .describe('Most requests one isolate takes from a rate limiter at once (one lease).'),
    requestTtlMs: z
      .int()
      .min(100)
      .max(60_000)
      .default(2_000)
      .describe('How long an isolate may spend a request lease after taking it; the rest goes back.'),
    tokens: z
      .int()
      .min(1)
      .max(100_000_000)
      .default(100_000)
      .describe('Most unspent tokens one isolate holds from a budget at once (its lease).'),
    usd: z
      .number()
      .positive()
      .max(100_000)
      .default(1)
      .describe('Most unspent USD one isolate holds from a budget at once (its lease).'),
    budgetTtlMs: z
      .int()
      .min(5_000)
      .max(3_600_000)
      .default(60_000)
      .describe('How long a budget lease outlives its last report: an isolate that died releases it then.'),
    reportMs: z
      .int()
      .min(100)
      .max(60_000)
      .default(1_000)
      .describe('How often an isolate reports what it spent under a budget lease.'),
  })
  .strict();
export type LeaseSettings = z.infer<typeof leaseSettingsSchema>;

export const limitsSettingsSchema = z
  .object({
    mode: z
      .enum(LIMIT_MODES)
      .default('exact')
      .describe(
        'exact: every request asks the objects (exact under concurrency). leased: isolates spend blocks of allowance locally, for hot tenants (docs/limits.md).',
      ),
    lease: leaseSettingsSchema.prefault({}).describe('Lease sizes and lifetimes in leased mode.'),
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
