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
});
export type UsageRecord = z.infer<typeof usageRecordSchema>;
