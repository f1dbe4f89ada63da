import type { Context } from 'hono';
import { usageStore, type TenantUsageEvent, type UsageStoreDO } from '@aigw/observability';
import type { GatewayEnv } from '../context.ts';
import { waitUntil } from './wait-until.ts';

/** How long events of one tenant gather before they are written together. */
export const USAGE_FLUSH_MS = 200;
/** A batch this large is written at once. */
export const USAGE_MAX_BATCH = 200;

interface Batch {
  events: TenantUsageEvent[];
  release: () => void;
}

export interface UsageBatcherOptions {
  flushMs?: number;
  maxBatch?: number;
  /** Where a write that failed is reported (it never fails a request). */
  log?: (entry: Record<string, unknown>) => void;
  /** Waits `ms` (default a timer); the simulation passes its own clock's. */
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Usage events of one isolate, gathered per tenant for a moment and written to the tenant's
 * UsageStoreDO in one call. The request that opens a batch keeps it alive (`keepAlive`, i.e.
 * waitUntil) until it is written, so nothing is lost when that request ends.
 *
 * **What a crash can lose** (docs/limits.md, "Leased mode"): an isolate that dies loses the events it has not
 * handed to the store yet — per tenant, the open batch, which holds at most `maxBatch` events and
 * none older than `flushMs` — and any write still in flight. Nothing else is kept in memory.
 * `pending` says how many that is at any moment.
 */
export class UsageBatcher {
  readonly flushMs: number;
  readonly maxBatch: number;
  readonly #log: (entry: Record<string, unknown>) => void;
  readonly #batches = new Map<string, Batch>();
  readonly #sleep: ((ms: number) => Promise<void>) | undefined;
  #halted = false;

  constructor(options: UsageBatcherOptions = {}) {
    this.flushMs = options.flushMs ?? USAGE_FLUSH_MS;
    this.maxBatch = options.maxBatch ?? USAGE_MAX_BATCH;
    this.#sleep = options.sleep;
    this.#log =
      options.log ??
      ((entry) => {
        console.error(JSON.stringify(entry));
      });
  }

  record(
    namespace: DurableObjectNamespace<UsageStoreDO>,
    event: TenantUsageEvent,
    keepAlive: (work: Promise<unknown>) => void,
  ): void {
    const open = this.#batches.get(event.tenantId);
    if (open) {
      open.events.push(event);
      if (open.events.length >= this.maxBatch) open.release();
      return;
    }
    const batch: Batch = { events: [event], release: () => undefined };
    const due = new Promise<void>((resolve) => {
      // Closing takes the batch out of the map at once, so the next event opens a new one and no
      // batch ever holds more than `maxBatch`.
      const close = () => {
        if (this.#batches.get(event.tenantId) === batch) this.#batches.delete(event.tenantId);
        resolve();
      };
      if (this.#sleep !== undefined) {
        // No timer to clear: closing twice changes nothing.
        void this.#sleep(this.flushMs).then(close);
        batch.release = close;
        return;
      }
      const timer = setTimeout(close, this.flushMs);
      batch.release = () => {
        clearTimeout(timer);
        close();
      };
    });
    this.#batches.set(event.tenantId, batch);
    keepAlive(
      due.then(async () => {
        if (this.#halted) return;
        try {
          await usageStore(namespace, event.tenantId).recordMany(batch.events);
        } catch (error) {
          this.#log({
            level: 'error',
            msg: 'usage events not recorded',
            tenantId: event.tenantId,
            events: batch.events.length,
            error: String(error),
          });
        }
      }),
    );
    if (batch.events.length >= this.maxBatch) batch.release();
  }

  /** Events of `tenantId` (all tenants without it) not yet handed to the store: what a crash would lose. */
  pending(tenantId?: string): number {
    if (tenantId !== undefined) return this.#batches.get(tenantId)?.events.length ?? 0;
    let total = 0;
    for (const batch of this.#batches.values()) total += batch.events.length;
    return total;
  }

  /** As if the isolate died now: open batches are never written (the simulation uses it). */
  halt(): void {
    this.#halted = true;
  }
}

/** This isolate's batcher. */
const batcher = new UsageBatcher();

export function recordUsage(c: Context<GatewayEnv>, event: TenantUsageEvent): void {
  batcher.record(c.env.USAGE_STORE, event, (work) => {
    waitUntil(c, work);
  });
}
