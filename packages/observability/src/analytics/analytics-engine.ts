import type { TenantUsageEvent } from '../usage-store/schema.ts';

/**
 * The Analytics Engine row of one request. Column positions are the contract with every SQL query
 * written against the dataset (docs/usage.md lists them): append new columns, never reorder.
 *
 * - index1: tenant id (the sampling key: each tenant is sampled on its own)
 * - blob1 route, blob2 model ('' when no model was called), blob3 key id, blob4 error code
 *   ('' on success), blob5 cache ('hit' | 'miss' | ''), blob6 request id, blob7 route branch
 *   (`route@version/branch`, '' when no route was taken)
 * - double1 HTTP status, double2 input tokens, double3 output tokens, double4 cost (USD),
 *   double5 latency (ms), double6 TTFT (ms, -1 when none), double7 error (1 | 0),
 *   double8 request start (ms since the epoch)
 */
export function usageDataPoint(event: TenantUsageEvent): AnalyticsEngineDataPoint {
  const failed = event.errorCode !== undefined || event.status >= 400;
  const cacheHit = event.cacheHit ?? null;
  return {
    indexes: [event.tenantId],
    blobs: [
      event.route,
      event.model ?? '',
      event.keyId,
      event.errorCode ?? (failed ? `http_${event.status}` : ''),
      cacheHit === null ? '' : cacheHit ? 'hit' : 'miss',
      event.requestId ?? '',
      event.branch ?? '',
    ],
    doubles: [
      event.status,
      event.inputTokens ?? 0,
      event.outputTokens ?? 0,
      event.costUsd ?? 0,
      event.latencyMs,
      event.ttftMs ?? -1,
      failed ? 1 : 0,
      event.time,
    ],
  };
}

/**
 * Writes one request to Analytics Engine. `writeDataPoint` does not wait for the write (nothing to
 * await, nothing to retry): a lost point is accepted, the usage store still has the rollup.
 */
export function writeUsageEvent(dataset: AnalyticsEngineDataset, event: TenantUsageEvent): void {
  dataset.writeDataPoint(usageDataPoint(event));
}
