import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { usageStore, type TenantUsageEvent } from '@aigw/observability';
import { USAGE_FLUSH_MS, USAGE_MAX_BATCH, UsageBatcher } from '../src/lib/usage-batcher.ts';

// The batcher against the real UsageStoreDO. What a crash can lose is what `pending` counts: per
// tenant, one open batch of at most USAGE_MAX_BATCH events, none older than USAGE_FLUSH_MS.
let counter = 0;
const newTenant = () => `ub${Date.now().toString(36)}${++counter}`;

function event(tenantId: string, time: number): TenantUsageEvent {
  return {
    tenantId,
    time,
    route: '/v1/chat/completions',
    status: 200,
    keyId: 'k1',
    model: 'upstream/primary',
    inputTokens: 3,
    outputTokens: 4,
    latencyMs: 5,
  };
}

async function storedRequests(tenantId: string, from: number): Promise<number> {
  const series = await usageStore(env.USAGE_STORE, tenantId).series({
    from: from - 60_000,
    to: from + 3_600_000,
    granularity: 'hour',
  });
  return series.total.requests;
}

function collector() {
  const work: Promise<unknown>[] = [];
  return { keepAlive: (p: Promise<unknown>) => void work.push(p), settled: () => Promise.all(work) };
}

describe('usage batches and what a crash can lose', () => {
  it('never holds more than a full batch per tenant, and writes every event once', async () => {
    const tenantId = newTenant();
    const batcher = new UsageBatcher();
    const { keepAlive, settled } = collector();
    const now = Date.now();
    let most = 0;
    for (let i = 0; i < 450; i++) {
      batcher.record(env.USAGE_STORE, event(tenantId, now), keepAlive);
      most = Math.max(most, batcher.pending(tenantId));
    }
    // A batch is closed the moment it is full: never more than USAGE_MAX_BATCH waiting.
    expect(most).toBe(USAGE_MAX_BATCH - 1);
    // Two full batches went at once; the rest waits for its timer.
    expect(batcher.pending(tenantId)).toBe(450 - 2 * USAGE_MAX_BATCH);
    await settled();
    expect(batcher.pending(tenantId)).toBe(0);
    expect(await storedRequests(tenantId, now)).toBe(450);
  });

  it('writes an event within the flush interval', async () => {
    const tenantId = newTenant();
    const batcher = new UsageBatcher();
    const { keepAlive, settled } = collector();
    const started = Date.now();
    batcher.record(env.USAGE_STORE, event(tenantId, started), keepAlive);
    expect(batcher.pending()).toBe(1);
    // A timer set after the batch's own fires after it: by then the batch has been handed over.
    await new Promise((resolve) => setTimeout(resolve, USAGE_FLUSH_MS + 1));
    expect(batcher.pending()).toBe(0);
    await settled();
    expect(await storedRequests(tenantId, started)).toBe(1);
  });

  it('loses, in an isolate that dies, only the open batch: what pending said', async () => {
    const tenantId = newTenant();
    const other = newTenant();
    const batcher = new UsageBatcher();
    const { keepAlive, settled } = collector();
    const now = Date.now();
    for (let i = 0; i < 230; i++) batcher.record(env.USAGE_STORE, event(tenantId, now), keepAlive);
    for (let i = 0; i < 7; i++) batcher.record(env.USAGE_STORE, event(other, now), keepAlive);
    // The full batch of 200 is already on its way; 30 and 7 are still in memory.
    await new Promise((resolve) => setTimeout(resolve, 0));
    const lost = { [tenantId]: batcher.pending(tenantId), [other]: batcher.pending(other) };
    expect(lost).toEqual({ [tenantId]: 30, [other]: 7 });
    expect(batcher.pending()).toBeLessThanOrEqual(2 * USAGE_MAX_BATCH);
    batcher.halt();
    await settled();
    expect(await storedRequests(tenantId, now)).toBe(230 - 30);
    expect(await storedRequests(other, now)).toBe(0);
  });
});
