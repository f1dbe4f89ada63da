import type { Context } from 'hono';
import { ERROR_CODES, isErrorCode } from '@aigw/core';
import { writeUsageEvent, type TenantUsageEvent, type UsageRecord } from '@aigw/observability';
import type { GatewayEnv } from '../context.ts';
import { recordUsage } from './usage-batcher.ts';

/**
 * Records a model call the request made besides its own answer (a tool's call to the tools model):
 * one usage event of its own, under the request's server id, in the tenant's usage store and
 * Analytics Engine, and its record on the request's log line (`modelCalls`). The request's own
 * model call is recorded from its log line, as before; this covers every other one.
 */
export function recordModelCall(c: Context<GatewayEnv>, record: UsageRecord, time: number): void {
  // Set by the request log middleware, which every request of the app passes first.
  c.get('modelCalls').push(record);
  const event: TenantUsageEvent = {
    tenantId: record.tenantId,
    requestId: record.requestId,
    time,
    route: record.route,
    // A model call has no HTTP status of its own: 200, or the status its error code answers with.
    status:
      record.errorCode !== undefined && isErrorCode(record.errorCode)
        ? ERROR_CODES[record.errorCode].status
        : 200,
    ...(record.errorCode !== undefined ? { errorCode: record.errorCode } : {}),
    keyId: record.keyId,
    model: record.model,
    inputTokens: record.inputTokens,
    outputTokens: record.outputTokens,
    costUsd: record.costUsd,
    latencyMs: record.latencyMs,
    ttftMs: record.ttftMs,
    cacheHit: null,
  };
  if (c.env.USAGE_EVENTS) writeUsageEvent(c.env.USAGE_EVENTS, event);
  recordUsage(c, event);
}
