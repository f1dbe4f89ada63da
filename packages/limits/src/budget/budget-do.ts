import { DurableObject } from 'cloudflare:workers';
import { migrate, type Migration } from '@aigw/core/sqlite';
import {
  budgetLeaseInputSchema,
  fromMicros,
  toMicros,
  releaseInputSchema,
  reserveInputSchema,
  settleInputSchema,
  usageInputSchema,
  type BudgetAmount,
  type BudgetLeaseInput,
  type BudgetLeaseResult,
  type BudgetLine,
  type BudgetUsage,
  type ReleaseInput,
  type ReserveInput,
  type ReserveResult,
  type SettleInput,
  type UsageInput,
} from './schema.ts';
import { dayWindow, monthWindow, type BudgetWindow } from './windows.ts';

/** Default time an unsettled reservation holds budget (a crashed request cannot hold it forever). */
export const RESERVATION_TTL_MS = 10 * 60_000;

const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE usage (
        period TEXT PRIMARY KEY CHECK (period IN ('day', 'month')),
        window_id TEXT NOT NULL,
        tokens INTEGER NOT NULL,
        usd_micros INTEGER NOT NULL
      );
      CREATE TABLE reservations (
        request_id TEXT PRIMARY KEY, -- the reservation id (named before reservations had their own ids)
        tokens INTEGER NOT NULL,
        usd_micros INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      );
    `,
  },
  {
    // Leased mode: one row per isolate's lease. `held_*` counts against the budget until
    // `expires_at`; `spent_*` is what the isolate reported, cumulative, so a repeated report books
    // nothing twice. The row outlives its hold until `forget_at`, so a late report is still booked
    // once.
    version: 2,
    sql: `CREATE TABLE leases (
      id TEXT PRIMARY KEY,
      held_tokens INTEGER NOT NULL,
      held_usd_micros INTEGER NOT NULL,
      spent_tokens INTEGER NOT NULL,
      spent_usd_micros INTEGER NOT NULL,
      expires_at INTEGER NOT NULL,
      forget_at INTEGER NOT NULL
    )`,
  },
];

/** How long a lease's row is kept after its hold lapsed, for a report that arrives late. */
export const LEASE_FORGET_MS = 60 * 60_000;

// `type`s, not interfaces: SqlStorage rows need an index signature.
type UsageRow = { window_id: string; tokens: number; usd_micros: number };
type SumRow = { tokens: number | null; usd_micros: number | null };
type LeaseRow = {
  held_tokens: number;
  held_usd_micros: number;
  spent_tokens: number;
  spent_usd_micros: number;
  expires_at: number;
};

/**
 * The token and spend budget of one tenant (`tenant:budget`) or one of its keys
 * (`tenant:budget:key`). Reserve before the upstream call, settle after it: the object runs one
 * call at a time, so concurrent requests cannot reserve more than the budget holds.
 *
 * Usage is booked into the windows current at settle time, and active reservations count against
 * the current windows whenever they were made. Limits are passed in on each call (the tenant config
 * is the source; the object keeps no copy that could go stale).
 */
export class BudgetDO extends DurableObject<Env> {
  // Helpers are `#private`: every public method of a Durable Object is callable over RPC, and
  // TypeScript's `private` does not exist at run time.
  #schemaReady = false;

  reserve(raw: ReserveInput): ReserveResult {
    const input = reserveInputSchema.parse(raw);
    const now = input.now ?? Date.now();
    this.#prepare(input.tenantId, now);

    const reserved = this.#reservedExcept(input.reservationId, now);
    const day = dayWindow(now);
    const month = monthWindow(now);
    const checks = [
      {
        limit: 'tokensPerDay' as const,
        max: input.limits.tokensPerDay,
        used: this.#used('day', day).tokens,
        reserved: reserved.tokens,
        requested: input.tokens,
        window: day,
      },
      {
        limit: 'usdPerMonth' as const,
        max: input.limits.usdPerMonth === undefined ? undefined : toMicros(input.limits.usdPerMonth),
        used: this.#used('month', month).usd_micros,
        reserved: reserved.usd_micros,
        requested: toMicros(input.usd),
        window: month,
      },
    ];
    for (const check of checks) {
      if (check.max === undefined || check.used + check.reserved + check.requested <= check.max) continue;
      const scale = check.limit === 'usdPerMonth' ? fromMicros : (n: number) => n;
      return {
        ok: false,
        code: 'budget_exceeded',
        limit: check.limit,
        max: scale(check.max),
        used: scale(check.used),
        reserved: scale(check.reserved),
        requested: scale(check.requested),
        retryAfterSeconds: Math.max(1, Math.ceil((check.window.resetsAt - now) / 1000)),
      };
    }

    const expiresAt = now + (input.ttlMs ?? RESERVATION_TTL_MS);
    this.ctx.storage.sql.exec(
      `INSERT INTO reservations (request_id, tokens, usd_micros, expires_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (request_id) DO UPDATE SET
         tokens = excluded.tokens, usd_micros = excluded.usd_micros, expires_at = excluded.expires_at`,
      input.reservationId,
      input.tokens,
      toMicros(input.usd),
      expiresAt,
    );
    return { ok: true, reservationId: input.reservationId, tokens: input.tokens, usd: input.usd, expiresAt };
  }

  /**
   * Books the real usage and drops the reservation, releasing what it held beyond it. Usage is
   * booked even past the limit: the tokens were spent; the next reservation is refused. Call it
   * once per request (a second call books twice).
   */
  settle(raw: SettleInput): { settled: true; hadReservation: boolean } {
    const input = settleInputSchema.parse(raw);
    const now = input.now ?? Date.now();
    this.#prepare(input.tenantId, now);
    return this.ctx.storage.transactionSync(() => {
      const hadReservation =
        this.ctx.storage.sql.exec('DELETE FROM reservations WHERE request_id = ?', input.reservationId)
          .rowsWritten > 0;
      this.#book('day', dayWindow(now), input.tokens, toMicros(input.usd));
      this.#book('month', monthWindow(now), input.tokens, toMicros(input.usd));
      return { settled: true as const, hadReservation };
    });
  }

  release(raw: ReleaseInput): { released: boolean } {
    const input = releaseInputSchema.parse(raw);
    this.#prepare(input.tenantId, Date.now());
    const cursor = this.ctx.storage.sql.exec(
      'DELETE FROM reservations WHERE request_id = ?',
      input.reservationId,
    );
    return { released: cursor.rowsWritten > 0 };
  }

  /**
   * Leased mode: books what the isolate reports it spent under its lease since its last call, then
   * sets the lease's unspent hold to `hold`, as far as the budget has room beside usage,
   * reservations and every other live lease. With `need`, a hold smaller than `need` is a refusal
   * (the lease keeps at most what it held). `final` ends the lease. The same windows and figures as
   * reserve/settle, so exact and leased requests of one budget share one count.
   */
  lease(raw: BudgetLeaseInput): BudgetLeaseResult {
    const input = budgetLeaseInputSchema.parse(raw);
    const now = input.now ?? Date.now();
    this.#prepare(input.tenantId, now);
    return this.ctx.storage.transactionSync((): BudgetLeaseResult => {
      const { sql } = this.ctx.storage;
      const row = sql
        .exec<LeaseRow>(
          `SELECT held_tokens, held_usd_micros, spent_tokens, spent_usd_micros, expires_at
           FROM leases WHERE id = ?`,
          input.leaseId,
        )
        .toArray()[0];
      const spent = {
        tokens: Math.max(input.spent.tokens, row?.spent_tokens ?? 0),
        usdMicros: Math.max(input.spent.usdMicros, row?.spent_usd_micros ?? 0),
      };
      const newTokens = spent.tokens - (row?.spent_tokens ?? 0);
      const newMicros = spent.usdMicros - (row?.spent_usd_micros ?? 0);
      if (newTokens > 0 || newMicros > 0) {
        this.#book('day', dayWindow(now), newTokens, newMicros);
        this.#book('month', monthWindow(now), newTokens, newMicros);
      }
      if (input.final === true) {
        sql.exec('DELETE FROM leases WHERE id = ?', input.leaseId);
        return { ok: true, leaseId: input.leaseId, hold: { tokens: 0, usdMicros: 0 }, expiresAt: now };
      }
      const held: BudgetAmount =
        row !== undefined && row.expires_at > now
          ? { tokens: row.held_tokens, usdMicros: row.held_usd_micros }
          : { tokens: 0, usdMicros: 0 };
      const others = this.#reservedExcept(null, now, input.leaseId);
      const day = dayWindow(now);
      const month = monthWindow(now);
      const tokensLine = {
        limit: 'tokensPerDay' as const,
        max: input.limits.tokensPerDay,
        used: this.#used('day', day).tokens,
        reserved: others.tokens,
        key: 'tokens' as const,
        window: day,
      };
      const usdLine = {
        limit: 'usdPerMonth' as const,
        max: input.limits.usdPerMonth === undefined ? undefined : toMicros(input.limits.usdPerMonth),
        used: this.#used('month', month).usd_micros,
        reserved: others.usd_micros,
        key: 'usdMicros' as const,
        window: month,
      };
      const lines = [tokensLine, usdLine];
      const free = (line: (typeof lines)[number]) =>
        line.max === undefined ? Infinity : Math.max(0, line.max - line.used - line.reserved);
      const expiresAt = now + input.ttlMs;
      const write = (hold: BudgetAmount) => {
        sql.exec(
          `INSERT INTO leases (id, held_tokens, held_usd_micros, spent_tokens, spent_usd_micros, expires_at, forget_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET held_tokens = excluded.held_tokens,
             held_usd_micros = excluded.held_usd_micros, spent_tokens = excluded.spent_tokens,
             spent_usd_micros = excluded.spent_usd_micros, expires_at = excluded.expires_at,
             forget_at = excluded.forget_at`,
          input.leaseId,
          hold.tokens,
          hold.usdMicros,
          spent.tokens,
          spent.usdMicros,
          expiresAt,
          expiresAt + LEASE_FORGET_MS,
        );
      };
      const refusing = lines.find((line) => input.need !== undefined && input.need[line.key] > free(line));
      if (refusing !== undefined && input.need !== undefined) {
        // Nothing grows; the lease keeps what it held as far as it still fits.
        const kept = {
          tokens: Math.min(held.tokens, free(tokensLine)),
          usdMicros: Math.min(held.usdMicros, free(usdLine)),
        };
        write(kept);
        const scale = refusing.limit === 'usdPerMonth' ? fromMicros : (n: number) => n;
        return {
          ok: false,
          code: 'budget_exceeded',
          limit: refusing.limit,
          max: scale(refusing.max ?? 0),
          used: scale(refusing.used),
          reserved: scale(refusing.reserved),
          requested: scale(input.need[refusing.key]),
          retryAfterSeconds: Math.max(1, Math.ceil((refusing.window.resetsAt - now) / 1000)),
          leaseId: input.leaseId,
          hold: kept,
          expiresAt,
        };
      }
      const hold = {
        tokens: Math.min(input.hold.tokens, free(tokensLine)),
        usdMicros: Math.min(input.hold.usdMicros, free(usdLine)),
      };
      write(hold);
      return { ok: true, leaseId: input.leaseId, hold, expiresAt };
    });
  }

  usage(raw: UsageInput): BudgetUsage {
    const input = usageInputSchema.parse(raw);
    const now = input.now ?? Date.now();
    this.#prepare(input.tenantId, now);
    const reserved = this.#reservedExcept(null, now);
    const day = dayWindow(now);
    const month = monthWindow(now);
    const line = (
      window: BudgetWindow,
      used: number,
      held: number,
      limit: number | undefined,
    ): BudgetLine => ({
      window: window.id,
      used,
      reserved: held,
      limit: limit ?? null,
      remaining: limit === undefined ? null : Math.max(0, limit - used - held),
      resetsAt: new Date(window.resetsAt).toISOString(),
    });
    const usd = input.limits.usdPerMonth;
    const monthLine = line(
      month,
      this.#used('month', month).usd_micros,
      reserved.usd_micros,
      usd === undefined ? undefined : toMicros(usd),
    );
    return {
      tokensPerDay: line(day, this.#used('day', day).tokens, reserved.tokens, input.limits.tokensPerDay),
      usdPerMonth: {
        ...monthLine,
        used: fromMicros(monthLine.used),
        reserved: fromMicros(monthLine.reserved),
        limit: monthLine.limit === null ? null : fromMicros(monthLine.limit),
        remaining: monthLine.remaining === null ? null : fromMicros(monthLine.remaining),
      },
    };
  }

  /** Schema, tenant check and expiry of forgotten reservations: the start of every call. */
  #prepare(tenantId: string, now: number): void {
    if (!this.#schemaReady) {
      migrate(this.ctx.storage, MIGRATIONS, now);
      this.#schemaReady = true;
    }
    const stored = this.ctx.storage.sql
      .exec<{ value: string }>("SELECT value FROM meta WHERE key = 'tenant_id'")
      .toArray()[0]?.value;
    if (stored === undefined) {
      this.ctx.storage.sql.exec("INSERT INTO meta (key, value) VALUES ('tenant_id', ?)", tenantId);
    } else if (stored !== tenantId) {
      // Names are built from the tenant, so this is a bug in the caller, never a client error. A plain
      // Error: no error class or code survives RPC, the caller sees an Error either way.
      throw new Error('Budget called for a tenant other than its own.');
    }
    this.ctx.storage.sql.exec('DELETE FROM reservations WHERE expires_at <= ?', now);
    this.ctx.storage.sql.exec('DELETE FROM leases WHERE forget_at <= ?', now);
  }

  /** What live reservations and leases hold, but for one reservation or lease (the caller's own). */
  #reservedExcept(
    reservationId: string | null,
    now: number,
    leaseId: string | null = null,
  ): { tokens: number; usd_micros: number } {
    const { sql } = this.ctx.storage;
    const reservations = sql
      .exec<SumRow>(
        `SELECT SUM(tokens) AS tokens, SUM(usd_micros) AS usd_micros FROM reservations
         WHERE expires_at > ? AND request_id IS NOT ?`,
        now,
        reservationId,
      )
      .one();
    const leases = sql
      .exec<SumRow>(
        `SELECT SUM(held_tokens) AS tokens, SUM(held_usd_micros) AS usd_micros FROM leases
         WHERE expires_at > ? AND id IS NOT ?`,
        now,
        leaseId,
      )
      .one();
    return {
      tokens: (reservations.tokens ?? 0) + (leases.tokens ?? 0),
      usd_micros: (reservations.usd_micros ?? 0) + (leases.usd_micros ?? 0),
    };
  }

  /** Usage in the given window; a row left from an earlier window counts as zero (rollover). */
  #used(period: 'day' | 'month', window: BudgetWindow): { tokens: number; usd_micros: number } {
    const row = this.ctx.storage.sql
      .exec<UsageRow>('SELECT window_id, tokens, usd_micros FROM usage WHERE period = ?', period)
      .toArray()[0];
    return row?.window_id === window.id ? row : { tokens: 0, usd_micros: 0 };
  }

  #book(period: 'day' | 'month', window: BudgetWindow, tokens: number, usdMicros: number): void {
    this.ctx.storage.sql.exec(
      `INSERT INTO usage (period, window_id, tokens, usd_micros) VALUES (?, ?, ?, ?)
       ON CONFLICT (period) DO UPDATE SET
         tokens = CASE WHEN usage.window_id = excluded.window_id THEN usage.tokens + excluded.tokens ELSE excluded.tokens END,
         usd_micros = CASE WHEN usage.window_id = excluded.window_id THEN usage.usd_micros + excluded.usd_micros
                           ELSE excluded.usd_micros END,
         window_id = excluded.window_id`,
      period,
      window.id,
      tokens,
      usdMicros,
    );
  }
}
