import type { Context } from 'hono';
import type { GatewayEnv } from '../context.ts';
import { waitUntil } from '../lib/wait-until.ts';

/** What a batcher has done in this isolate: items handed to a write, and those a write lost. */
export interface BatchStats {
  written: number;
  failed: number;
}

interface Batch<T> {
  items: T[];
  release: () => void;
}

/**
 * Items of this isolate gathered per key (a tenant, an export endpoint) for a moment and written
 * together, off the response path: the request that opens a batch keeps it alive with `waitUntil`
 * until it is written, so nothing is lost when that request ends. A failed write is counted and
 * reported on the operator's console, never thrown: the requests it describes have been answered.
 */
export class IsolateBatcher<T> {
  readonly stats: BatchStats = { written: 0, failed: 0 };
  readonly #open = new Map<string, Batch<T>>();

  constructor(
    private readonly options: {
      /** How long items of one key gather before they are written together. */
      flushMs: number;
      /** A batch this large is written at once. */
      maxItems: number;
      /** Names the batcher in the console line of a failed write. */
      what: string;
    },
  ) {}

  /**
   * Adds an item to its key's batch, opening one (written by `write`, which the opening request
   * supplies with its bindings) if none is open.
   */
  add(c: Context<GatewayEnv>, key: string, item: T, write: (items: T[]) => Promise<void>): void {
    const open = this.#open.get(key);
    if (open) {
      open.items.push(item);
      if (open.items.length >= this.options.maxItems) open.release();
      return;
    }
    let release: () => void = () => undefined;
    const due = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, this.options.flushMs);
      release = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    const batch: Batch<T> = {
      items: [item],
      release: () => {
        release();
      },
    };
    this.#open.set(key, batch);
    const flush = due.then(async () => {
      this.#open.delete(key);
      try {
        await write(batch.items);
        this.stats.written += batch.items.length;
      } catch (error) {
        this.stats.failed += batch.items.length;
        console.error(
          JSON.stringify({
            level: 'error',
            msg: `${this.options.what} not written`,
            key,
            items: batch.items.length,
            failedInThisIsolate: this.stats.failed,
            error: error instanceof Error ? error.message : String(error),
          }),
        );
      }
    });
    waitUntil(c, flush);
  }
}
