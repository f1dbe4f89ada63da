import { z } from 'zod';

/**
 * What every model call records: the request log line carries it now, the usage store and
 * Analytics Engine later. Token counts come from the provider when it reports them; otherwise
 * they are estimated and `estimated` says so.
 */
export const usageRecordSchema = z.object({
  requestId: z.string(),
  tenantId: z.string(),
  keyId: z.string(),
  route: z.string(),
  model: z.string(),
  provider: z.string(),
  attempts: z.int().min(0),
  status: z.enum(['complete', 'incomplete', 'error', 'cancelled']),
  errorCode: z.string().optional(),
  inputTokens: z.int().min(0),
  outputTokens: z.int().min(0),
  estimated: z.boolean(),
  ttftMs: z.number().min(0).nullable(),
  latencyMs: z.number().min(0),
  costUsd: z.number().min(0),
  priced: z.boolean(),
  cached: z.boolean().default(false),
  /** What the client sent as `model` when it was an alias or a route name, not the model itself. */
  requested: z.string().optional(),
  /** The route the request took (docs/routing.md): an A/B is read by `branch`. */
  routing: z.object({ route: z.string(), version: z.int().min(1), branch: z.string() }).optional(),
  /** A cache hit: what the answer cost when it was made, which this request did not pay again. */
  saved: z
    .object({ inputTokens: z.int().min(0), outputTokens: z.int().min(0), costUsd: z.number().min(0) })
    .optional(),
});
export type UsageRecord = z.infer<typeof usageRecordSchema>;
