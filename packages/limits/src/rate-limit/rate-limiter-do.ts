import { DurableObject } from 'cloudflare:workers';
import { z } from 'zod';
import { hasSchema, migrate, type Migration } from '@aigw/core/sqlite';
import { gcra, type GcraDecision } from './gcra.ts';
import { rateLease } from './rate-lease.ts';

const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sql: `CREATE TABLE limiter (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      tenant_id TEXT NOT NULL,
      tat REAL NOT NULL
    )`,
  },
  {
    // Leased mode: one row per isolate's lease, counting what was granted and what the isolate said
    // it spent (both cumulative, so a repeated call cannot count anything twice).
    version: 2,
    sql: `CREATE TABLE leases (
      id TEXT PRIMARY KEY,
      granted INTEGER NOT NULL,
      used INTEGER NOT NULL,
      touched_at INTEGER NOT NULL
    )`,
  },
];

/** A lease nobody has called about for this long is forgotten (its units were charged long ago). */
export const LEASE_ROW_TTL_MS = 10 * 60_000;

export const rateLeaseInputSchema = z.object({
  tenantId: z.string().min(1).max(64),
  rate: z.int().min(1),
  burst: z.int().min(1),
  /** The isolate's lease: a server-made id, one per isolate and limited key. */
  leaseId: z.string().min(1).max(64),
  /** Units of this lease the isolate has spent so far (cumulative). */
  used: z.int().min(0),
  /** Unspent units the isolate wants to hold after this call; fewer than it holds gives the rest back. */
  hold: z.int().min(0).max(1_000_000),
  /** Grant nothing unless at least this many units are available (default 1). */
  min: z.int().min(1).optional(),
  /** Book a turn up to this many ms ahead rather than refuse (see `RateLeaseInput.wait`). */
  wait: z.int().min(0).max(60_000).optional(),
  now: z.number().int().nonnegative().optional(),
});
export type RateLeaseInput = z.infer<typeof rateLeaseInputSchema>;

export interface RateLeaseResult extends RateLimitResult {
  leaseId: string;
  /** Unspent units the lease holds after this call: what the isolate may admit on its own. */
  units: number;
  /** Refused (nothing granted): ask again at this time, ms since the epoch; null otherwise. */
  retryAt: number | null;
  /** Units this call granted. */
  granted: number;
  /** The units this call granted may be spent only from then (a booked turn); null: now. */
  validFrom: number | null;
}

type LeaseRow = { granted: number; used: number };

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
  /**
   * The next free time to send a refused isolate back: refusals are spread over the time the
   * bucket takes to refill for each, so a crowd of isolates cannot all come back at once. Kept in
   * memory only; an object that restarts simply starts the queue again.
   */
  #nextSlot = 0;

  check(raw: RateCheckInput): RateLimitResult {
    const input = rateCheckInputSchema.parse(raw);
    const now = input.now ?? Date.now();
    this.#ensureSchema(now);
    const row = this.#read(input.tenantId);
    const { tat, ...result } = gcra(row?.tat, now, input);
    if ((result.allowed && input.dryRun !== true) || input.force === true) {
      this.#write(input.tenantId, tat);
    }
    return result;
  }

  /**
   * Leased mode: sets the isolate's lease to `hold` unspent units, granting from the bucket what it
   * lacks (at least `min`, else nothing) and crediting back what it no longer wants. `used` is the
   * isolate's count of units spent under the lease, cumulative, so repeating a call changes nothing.
   * The same TAT as `check`, so exact checks and leases of one key share one count.
   */
  lease(raw: RateLeaseInput): RateLeaseResult {
    const input = rateLeaseInputSchema.parse(raw);
    const now = input.now ?? Date.now();
    this.#ensureSchema(now);
    const row = this.#read(input.tenantId);
    const { sql } = this.ctx.storage;
    sql.exec('DELETE FROM leases WHERE touched_at < ?', now - LEASE_ROW_TTL_MS);
    const lease = sql
      .exec<LeaseRow>('SELECT granted, used FROM leases WHERE id = ?', input.leaseId)
      .toArray()[0];
    const used = Math.max(input.used, lease?.used ?? 0);
    const unspent = lease === undefined ? 0 : Math.max(0, lease.granted - used);
    const decision = rateLease(row?.tat, now, {
      rate: input.rate,
      burst: input.burst,
      unspent,
      hold: input.hold,
      min: input.min ?? 1,
      wait: input.wait ?? 0,
    });
    this.#write(input.tenantId, decision.tat);
    sql.exec(
      `INSERT INTO leases (id, granted, used, touched_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET granted = excluded.granted, used = excluded.used,
         touched_at = excluded.touched_at`,
      input.leaseId,
      used + decision.units,
      used,
      now,
    );
    let retryAt: number | null = null;
    if (decision.refusedUntil !== null) {
      retryAt = Math.max(decision.refusedUntil, this.#nextSlot);
      // Each refused isolate gets the time the bucket takes to refill the lease it asked for.
      this.#nextSlot = retryAt + Math.max(1, input.hold - unspent) * (60_000 / input.rate);
    }
    return {
      leaseId: input.leaseId,
      units: decision.units,
      retryAt,
      granted: decision.granted,
      validFrom: decision.validFrom,
      allowed: decision.units > 0,
      limit: decision.limit,
      remaining: decision.remaining,
      resetSeconds: decision.resetSeconds,
      retryAfterSeconds: retryAt === null ? 0 : Math.max(1, Math.ceil((retryAt - now) / 1000)),
    };
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

  #read(tenantId: string): LimiterRow | undefined {
    const row = this.ctx.storage.sql
      .exec<LimiterRow>('SELECT tenant_id, tat FROM limiter WHERE id = 1')
      .toArray()[0];
    if (row && row.tenant_id !== tenantId) {
      // Names are built from the tenant, so this is a bug in the caller, never a client error. A plain
      // Error: no error class or code survives RPC, the caller sees an Error either way.
      throw new Error('Rate limiter called for a tenant other than its own.');
    }
    return row;
  }

  #write(tenantId: string, tat: number): void {
    this.ctx.storage.sql.exec(
      `INSERT INTO limiter (id, tenant_id, tat) VALUES (1, ?, ?)
       ON CONFLICT (id) DO UPDATE SET tat = excluded.tat`,
      tenantId,
      tat,
    );
    if (!this.#alarmPending) {
      this.#alarmPending = true;
      // Not awaited on purpose: the output gate holds the reply until the write is durable, and
      // the calls stay synchronous, so no other call can run between the read and the write.
      void this.ctx.storage.setAlarm(tat + IDLE_GRACE_MS);
    }
  }

  #ensureSchema(now: number): void {
    if (this.#schemaReady) return;
    migrate(this.ctx.storage, MIGRATIONS, now);
    this.#schemaReady = true;
  }
}
