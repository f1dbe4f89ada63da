import { DurableObject } from 'cloudflare:workers';
import { ok, parseInput as parse, refuse, tenantIdSchema, type RpcResult } from '@aigw/core';
import { hasSchema, migrate, readMeta, writeMeta } from '@aigw/core/sqlite';
import { logRetentionSchema, type LogRetention } from '@aigw/observability/settings';
import {
  attemptOf,
  decodeCursor,
  detailOf,
  detailView,
  encodeCursor,
  isError,
  microUsd,
  summaryOf,
  whereOf,
} from './query.ts';
import {
  feedbackSchema,
  logEntrySchema,
  logIdSchema,
  logQuerySchema,
  type Feedback,
  type LogBodies,
  type LogEntry,
  type LogEntryDetail,
  type LogEntryInput,
  type LogPage,
  type LogQueryInput,
} from './schema.ts';
import { MIGRATIONS, type AttemptRow, type BodyRow, type EntryRow } from './tables.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** How often the alarm enforces retention while the log holds entries. */
export const LOG_PRUNE_INTERVAL_MS = HOUR_MS;
/** The most entries one write may carry (the gateway batches a moment's requests per tenant). */
export const LOG_WRITE_MAX = 500;

/** Another tenant's entry and a missing one must be indistinguishable to the caller. */
const NOT_FOUND = 'No log entry with this id.';

/**
 * One tenant's request log (object name = tenant id): an entry per request, its attempts as child
 * rows and, when the tenant keeps them, its bodies. The first write stores the tenant; a call
 * naming another tenant is answered as if the log were empty (`not_found` for an id), so ids
 * guessed across tenants reveal nothing. An alarm enforces the tenant's retention (days and a
 * maximum count) every hour and wipes the object once it is empty. See docs/logs.md.
 */
export class RequestLogDO extends DurableObject<Env> {
  // Helpers are `#private`: every public method of a Durable Object is callable over RPC.
  #migrated = false;
  #alarmScheduled = false;

  /**
   * A batch of entries in one transaction, with the tenant's current retention (kept for the
   * alarm). An entry whose id is already stored is skipped: a retried batch writes nothing twice.
   */
  async write(
    tenantId: string,
    raw: readonly LogEntryInput[],
    retention: Partial<LogRetention> = {},
  ): Promise<RpcResult<{ written: number }>> {
    const tenant = parse(tenantIdSchema, tenantId);
    if (!tenant.ok) return tenant;
    const entries = parse(logEntrySchema.array().max(LOG_WRITE_MAX), raw);
    if (!entries.ok) return entries;
    const kept = parse(logRetentionSchema, retention);
    if (!kept.ok) return kept;

    this.#ensureSchema();
    const owner = this.#owner(tenant.value);
    if (owner === 'other') return refuse('not_found', 'No request log for this tenant.');
    let written = 0;
    this.ctx.storage.transactionSync(() => {
      const { sql } = this.ctx.storage;
      if (owner === 'none') writeMeta(sql, 'tenant_id', tenant.value);
      writeMeta(sql, 'retention', JSON.stringify(kept.value));
      for (const entry of entries.value) if (this.#insert(entry)) written += 1;
    });
    if (!this.#alarmScheduled) {
      if ((await this.ctx.storage.getAlarm()) === null) {
        await this.ctx.storage.setAlarm(Date.now() + LOG_PRUNE_INTERVAL_MS);
      }
      this.#alarmScheduled = true;
    }
    return ok({ written });
  }

  /** Entries matching the query, newest first, a page at a time. */
  list(tenantId: string, raw: LogQueryInput): RpcResult<LogPage> {
    const tenant = parse(tenantIdSchema, tenantId);
    if (!tenant.ok) return tenant;
    const input = parse(logQuerySchema, raw);
    if (!input.ok) return input;
    const query = input.value;
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    if (query.cursor !== undefined && after === undefined) {
      return refuse('invalid_request', 'cursor: not a cursor this log issued');
    }
    if (!this.#readable(tenant.value)) return ok({ data: [], nextCursor: null });
    const where = whereOf(query, after);
    // One row more than the page: whether it exists says if there is a next page.
    const rows = this.ctx.storage.sql
      .exec<EntryRow>(
        `SELECT * FROM entries ${where.sql} ORDER BY time DESC, seq DESC LIMIT ?`,
        ...where.params,
        query.limit + 1,
      )
      .toArray();
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return ok({
      data: page.map(summaryOf),
      nextCursor: rows.length > query.limit && last !== undefined ? encodeCursor(last.time, last.seq) : null,
    });
  }

  /** One entry with its attempts and, if kept, its bodies. */
  get(tenantId: string, id: string): RpcResult<LogEntryDetail> {
    const found = this.#find(tenantId, id);
    if (!found.ok) return found;
    const row = found.value;
    const { sql } = this.ctx.storage;
    const attempts = sql
      .exec<AttemptRow>('SELECT * FROM attempts WHERE entry_seq = ? ORDER BY n', row.seq)
      .toArray()
      .map(attemptOf);
    const body = sql.exec<BodyRow>('SELECT body FROM bodies WHERE entry_seq = ?', row.seq).toArray()[0];
    const bodies = body === undefined ? null : (JSON.parse(body.body) as LogBodies);
    return ok(detailView(summaryOf(row), attempts, bodies));
  }

  /** Feedback on an entry (replaces earlier feedback). */
  feedback(
    tenantId: string,
    id: string,
    raw: Feedback,
  ): RpcResult<{ id: string; feedback: Feedback & { at: string } }> {
    const input = parse(feedbackSchema, raw);
    if (!input.ok) return input;
    const found = this.#find(tenantId, id);
    if (!found.ok) return found;
    const feedback = { ...input.value, at: new Date().toISOString() };
    this.ctx.storage.sql.exec(
      'UPDATE entries SET feedback = ? WHERE seq = ?',
      JSON.stringify(feedback),
      found.value.seq,
    );
    return ok({ id, feedback });
  }

  /** Deletes one entry, its attempts and its bodies. */
  remove(tenantId: string, id: string): RpcResult<{ deleted: number }> {
    const found = this.#find(tenantId, id);
    if (!found.ok) return found;
    const seq = found.value.seq;
    this.ctx.storage.transactionSync(() => this.#delete('seq = ?', [seq]));
    return ok({ deleted: 1 });
  }

  /** Deletes every entry of one end user (a privacy request): how many there were. */
  removeUser(tenantId: string, user: string): RpcResult<{ deleted: number }> {
    const tenant = parse(tenantIdSchema, tenantId);
    if (!tenant.ok) return tenant;
    if (user === '' || user.length > 256) return refuse('invalid_request', 'user: 1 to 256 characters');
    if (!this.#readable(tenant.value)) return ok({ deleted: 0 });
    const deleted = this.ctx.storage.transactionSync(() => this.#delete('user = ?', [user]));
    return ok({ deleted });
  }

  /** Retention runs here, not on write: a tenant that stops calling still has its log pruned. */
  override async alarm(): Promise<void> {
    if (!hasSchema(this.ctx.storage.sql)) return;
    this.#ensureSchema();
    const { sql } = this.ctx.storage;
    const stored = readMeta(sql, 'retention');
    const retention = logRetentionSchema.parse(stored === undefined ? {} : JSON.parse(stored));
    const now = Date.now();
    this.ctx.storage.transactionSync(() => {
      this.#delete('time < ?', [now - retention.days * DAY_MS]);
      // The newest `maxEntries` stay: everything older than the last of them goes.
      const last = sql
        .exec<{ time: number; seq: number }>(
          'SELECT time, seq FROM entries ORDER BY time DESC, seq DESC LIMIT 1 OFFSET ?',
          retention.maxEntries - 1,
        )
        .toArray()[0];
      if (last !== undefined) this.#delete('(time, seq) < (?, ?)', [last.time, last.seq]);
    });
    const left = sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM entries').one().n;
    if (left > 0) {
      await this.ctx.storage.setAlarm(now + LOG_PRUNE_INTERVAL_MS);
      return;
    }
    // Nothing left: the object forgets everything, its tenant included, as if never used.
    await this.ctx.storage.deleteAll();
    this.#migrated = false;
    this.#alarmScheduled = false;
  }

  #insert(entry: LogEntry): boolean {
    const { sql } = this.ctx.storage;
    const inserted = sql
      .exec<{ seq: number }>(
        `INSERT INTO entries (id, time, key_id, route, status, error_code, is_error, model, model_requested, user,
           cost_micro_usd, duration_ms, metadata, detail, has_bodies)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO NOTHING RETURNING seq`,
        entry.id,
        entry.time,
        entry.keyId,
        entry.route,
        entry.status,
        entry.errorCode ?? null,
        isError(entry) ? 1 : 0,
        entry.model ?? null,
        entry.modelRequested ?? null,
        entry.user ?? null,
        microUsd(entry.costUsd),
        entry.durationMs,
        JSON.stringify(entry.metadata),
        JSON.stringify(detailOf(entry)),
        entry.bodies === undefined ? 0 : 1,
      )
      .toArray()[0];
    if (inserted === undefined) return false;
    entry.attempts.forEach((attempt, n) => {
      sql.exec(
        `INSERT INTO attempts (entry_seq, n, model, attempt, outcome, status, start_ms, latency_ms, purpose, message)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        inserted.seq,
        n,
        attempt.model,
        attempt.attempt,
        attempt.outcome,
        attempt.status ?? null,
        attempt.startMs,
        attempt.latencyMs,
        attempt.purpose,
        attempt.message ?? null,
      );
    });
    if (entry.bodies !== undefined) {
      sql.exec(
        'INSERT INTO bodies (entry_seq, body) VALUES (?, ?)',
        inserted.seq,
        JSON.stringify(entry.bodies),
      );
    }
    return true;
  }

  /** Deletes the entries matching `where` with their child rows; how many entries there were. */
  #delete(where: string, params: (string | number)[]): number {
    const { sql } = this.ctx.storage;
    const select = `SELECT seq FROM entries WHERE ${where}`;
    sql.exec(`DELETE FROM attempts WHERE entry_seq IN (${select})`, ...params);
    sql.exec(`DELETE FROM bodies WHERE entry_seq IN (${select})`, ...params);
    return sql.exec(`DELETE FROM entries WHERE ${where}`, ...params).rowsWritten;
  }

  #find(tenantId: string, id: string): RpcResult<EntryRow> {
    const tenant = parse(tenantIdSchema, tenantId);
    if (!tenant.ok) return tenant;
    // A malformed id is as unknown as a missing one: nothing about the log is revealed either way.
    if (!logIdSchema.safeParse(id).success || !this.#readable(tenant.value))
      return refuse('not_found', NOT_FOUND);
    const row = this.ctx.storage.sql.exec<EntryRow>('SELECT * FROM entries WHERE id = ?', id).toArray()[0];
    return row === undefined ? refuse('not_found', NOT_FOUND) : ok(row);
  }

  /** Whether this log holds `tenantId`'s entries (false for an empty log or another tenant's). */
  #readable(tenantId: string): boolean {
    if (!this.#migrated && !hasSchema(this.ctx.storage.sql)) return false;
    this.#ensureSchema();
    return this.#owner(tenantId) === 'self';
  }

  /** Migrates once per instance: a log written by an older release gains the newer schema. */
  #ensureSchema(): void {
    if (this.#migrated) return;
    migrate(this.ctx.storage, MIGRATIONS, Date.now());
    this.#migrated = true;
  }

  #owner(tenantId: string): 'self' | 'other' | 'none' {
    const stored = readMeta(this.ctx.storage.sql, 'tenant_id');
    if (stored === undefined) return 'none';
    return stored === tenantId ? 'self' : 'other';
  }
}
