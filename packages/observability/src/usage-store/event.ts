import type { RequestLogLine } from '@aigw/core';
import { usageRecordSchema } from '../usage.ts';
import { branchOf, type TenantUsageEvent } from './schema.ts';

export interface UsageEventContext {
  /** When the request started (ms since the epoch). */
  time: number;
  /**
   * Whether a cache answered: from the response's `x-cache: HIT|MISS`, or undefined when the route
   * has no cache. A usage record with `cached: true` counts as a hit either way.
   */
  cacheHit?: boolean;
  /** Guardrail decisions by `<rule>:<action>`, when the request caused any. */
  guardrails?: Record<string, number>;
}

/**
 * The usage event of a finished request, from its request log line (the one `requestLog` writes,
 * with `usage` once a model call's record is known). Null for a request no tenant was resolved for:
 * there is no store to put it in.
 */
export function usageEventFrom(line: RequestLogLine, context: UsageEventContext): TenantUsageEvent | null {
  if (line.tenantId === null || line.keyId === null) return null;
  const parsed = usageRecordSchema.safeParse(line.usage);
  const usage = parsed.success ? parsed.data : undefined;
  const cacheHit = usage?.cached === true ? true : (context.cacheHit ?? null);
  return {
    tenantId: line.tenantId,
    requestId: line.requestId,
    time: context.time,
    route: line.route,
    status: line.status,
    ...(line.errorCode !== undefined ? { errorCode: line.errorCode } : {}),
    keyId: line.keyId,
    model: usage?.model ?? null,
    inputTokens: usage?.inputTokens ?? 0,
    outputTokens: usage?.outputTokens ?? 0,
    costUsd: usage?.costUsd ?? 0,
    latencyMs: line.latencyMs,
    ttftMs: usage?.ttftMs ?? null,
    cacheHit,
    branch: usage?.routing ? branchOf(usage.routing) : null,
    ...(context.guardrails !== undefined ? { guardrails: context.guardrails } : {}),
  };
}
