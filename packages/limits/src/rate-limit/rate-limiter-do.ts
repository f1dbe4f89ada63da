import { DurableObject } from 'cloudflare:workers';
import { z } from 'zod';
import { hasSchema, migrate, type Migration } from '@aigw/core/sqlite';
import { gcra, type GcraDecision } from './gcra.ts';

const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sql: `CREATE TABLE limiter (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      tenant_id TEXT NOT NULL,
      tat REAL NOT NULL
    )`,
  },
];

export const rateCheckInputSchema = z.object({
  tenantId: z.string().min(1).max(64),
  rate: z.int().min(1),
  burst: z.int().min(1),
  cost: z.int().min(1).optional(),
  /** Decide without booking anything: "would this fit now?" (a look before work that may fail). */
  dryRun: z.boolean().optional(),
  /** Book the cost even when it does not fit (usage known only afterwards); see `GcraInput.force`. */
  force: z.boolean().optional(),
  /** Test clock, ms since the epoch; production callers leave it out. */
  now: z.number().int().nonnegative().optional(),
});
export type RateCheckInput = z.infer<typeof rateCheckInputSchema>;

export type RateLimitResult = Omit<GcraDecision, 'tat'>;

// A `type`, not an interface: SqlStorage rows need an index signature.
type LimiterRow = { tenant_id: string; tat: number };

/**
 * One limited key (`tenant:dimension:value`, see `rateLimiterName`): GCRA state in SQLite. The
 * object runs one call at a time and `check` never awaits before its decision is written, so N
 * concurrent requests against a burst of L admit exactly L.
 *
 * A key that has gone quiet needs no state (a full bucket is the same as none), so an alarm
 * `IDLE_GRACE_MS` after the TAT deletes the object's storage: limiting per client IP does not leave
 * one object per IP forever. The grace keeps a busy key's object (and its schema) alive between
 * requests; deleting it at the TAT made a key whose bucket refills quickly rebuild its schema on
 * nearly every check.
 */
export const IDLE_GRACE_MS = 10 * 60_000;

export class RateLimiterDO extends DurableObject<Env> {
  // Helpers are `#private`: every public method of a Durable Object is callable over RPC, and
  // TypeScript's `private` does not exist at run time.
  #schemaReady = false;
  #alarmPending = false;

  check(raw: RateCheckInput): RateLimitResult {
    const input = rateCheckInputSchema.parse(raw);
    const now = input.now ?? Date.now();
    this.#ensureSchema(now);
    const row = this.ctx.storage.sql
      .exec<LimiterRow>('SELECT tenant_id, tat FROM limiter WHERE id = 1')
      .toArray()[0];
    if (row && row.tenant_id !== input.tenantId) {
      // Names are built from the tenant, so this is a bug in the caller, never a client error. A plain
      // Error: no error class or code survives RPC, the caller sees an Error either way.
      throw new Error('Rate limiter called for a tenant other than its own.');
    }

    const { tat, ...result } = gcra(row?.tat, now, input);
    if ((result.allowed && input.dryRun !== true) || input.force === true) {
      this.ctx.storage.sql.exec(
        `INSERT INTO limiter (id, tenant_id, tat) VALUES (1, ?, ?)
         ON CONFLICT (id) DO UPDATE SET tat = excluded.tat`,
        input.tenantId,
        tat,
      );
      if (!this.#alarmPending) {
        this.#alarmPending = true;
        // Not awaited on purpose: the output gate holds the reply until the write is durable, and
        // `check` stays synchronous, so no other call can run between the read and the write.
        void this.ctx.storage.setAlarm(tat + IDLE_GRACE_MS);
      }
    }
    return result;
  }

  override async alarm(): Promise<void> {
    this.#alarmPending = false;
    const tat = hasSchema(this.ctx.storage.sql)
      ? this.ctx.storage.sql.exec<{ tat: number }>('SELECT tat FROM limiter WHERE id = 1').toArray()[0]?.tat
      : undefined;
    if (tat !== undefined && tat + IDLE_GRACE_MS > Date.now()) {
      this.#alarmPending = true;
      await this.ctx.storage.setAlarm(tat + IDLE_GRACE_MS);
      return;
    }
    await this.ctx.storage.deleteAll();
    this.#schemaReady = false;
  }

  #ensureSchema(now: number): void {
    if (this.#schemaReady) return;
    migrate(this.ctx.storage, MIGRATIONS, now);
    this.#schemaReady = true;
  }
}
