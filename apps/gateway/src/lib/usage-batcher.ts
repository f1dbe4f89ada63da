import type { Context } from 'hono';
import { usageStore, type TenantUsageEvent } from '@aigw/observability';
import type { GatewayEnv } from '../context.ts';
import { waitUntil } from './wait-until.ts';

/** How long events of one tenant gather before they are written together. */
export const USAGE_FLUSH_MS = 200;
/** A batch this large is written at once. */
export const USAGE_MAX_BATCH = 200;

interface Batch {
  events: TenantUsageEvent[];
  flush: Promise<void>;
  release: () => void;
}

/**
 * Usage events of this isolate, gathered per tenant for a moment and written to the tenant's
 * UsageStoreDO in one call. The request that opens a batch keeps it alive with waitUntil until
 * it is written, so nothing is lost when that request ends; a failed write is logged and never
 * fails a request.
 */
const batches = new Map<string, Batch>();

export function recordUsage(c: Context<GatewayEnv>, event: TenantUsageEvent): void {
  const open = batches.get(event.tenantId);
  if (open) {
    open.events.push(event);
    if (open.events.length >= USAGE_MAX_BATCH) open.release();
    return;
  }
  let release: () => void = () => undefined;
  const due = new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, USAGE_FLUSH_MS);
    release = () => {
      clearTimeout(timer);
      resolve();
    };
  });
  const namespace = c.env.USAGE_STORE;
  const batch: Batch = {
    events: [event],
    release: () => {
      release();
    },
    flush: due.then(async () => {
      batches.delete(event.tenantId);
      try {
        await usageStore(namespace, event.tenantId).recordMany(batch.events);
      } catch (error) {
        console.error(
          JSON.stringify({
            level: 'error',
            msg: 'usage events not recorded',
            tenantId: event.tenantId,
            events: batch.events.length,
            error: String(error),
          }),
        );
      }
    }),
  };
  batches.set(event.tenantId, batch);
  waitUntil(c, batch.flush);
}
