import { DurableObject } from 'cloudflare:workers';
import { tenantIdSchema } from '@aigw/core';
import { addTo, type Histogram } from './histogram.ts';
import { ok, parseInput as parse, refuse, type RpcResult } from '@aigw/core';
import {
  DAY_MS,
  HOUR_MS,
  MINUTE_MS,
  seriesQuerySchema,
  usageEventSchema,
  type SeriesQueryInput,
  type UsageEvent,
  type UsageEventInput,
  type UsageSeries,
} from './schema.ts';
import { alignedRange, buildSeries } from './series.ts';
import {
  billingQuerySchema,
  billingRange,
  buildBilling,
  type BillingExport,
  type BillingQueryInput,
} from './billing.ts';
import { hasSchema, migrate } from '@aigw/core/sqlite';
import { MIGRATIONS, NO_MODEL_MARKERS, type MetaRow, type RollupRow } from './tables.ts';

/** Minute rollups serve minute series (≤ 24 h each); two days keep any window of the last day whole. */
export const MINUTE_RETENTION_MS = 2 * DAY_MS;
/** Hour rollups serve hour and day series (≤ 31 days each); one day more keeps the oldest day whole. */
export const HOUR_RETENTION_MS = 32 * DAY_MS;
/** How often the alarm prunes while the object holds rollups. */
export const PRUNE_INTERVAL_MS = HOUR_MS;

/** Another tenant's store and a missing store must be indistinguishable to the caller. */
const NOT_FOUND = 'No usage store for this tenant.';

export interface SeriesOptions {
  /** The current time (ms); tests inject it. Decides whether minute rollups still cover `from`. */
  now?: number;
}

/**
 * One tenant's usage rollups (object name = tenant id). The first `record` stores the tenant; any
 * call naming another tenant is refused as if the store did not exist.
 *
 * Events are not kept: each one is folded into its minute row and its hour row (route × model ×
 * key), with a log-spaced latency and TTFT histogram so percentiles survive the folding. An alarm
 * prunes minute rows after `MINUTE_RETENTION_MS` and hour rows after `HOUR_RETENTION_MS`, and
 * wipes the object once nothing is left. See docs/usage.md.
 */
export class UsageStoreDO extends DurableObject<Env> {
  // Helpers are `#private`: every public method of a Durable Object is callable over RPC.
  #schemaReady = false;
  /** The migrations ran in this instance: an object made by an older release is brought up first. */
  #migrated = false;
  #alarmScheduled = false;

  async record(tenantId: string, raw: UsageEventInput): Promise<RpcResult<{ recorded: true }>> {
    const result = await this.recordMany(tenantId, [raw]);
    return result.ok ? ok({ recorded: true }) : result;
  }

  /**
   * Several events in one call and one transaction: the gateway batches a moment's requests per
   * tenant, so the store costs one round trip per batch rather than one per request.
   */
  async recordMany(
    tenantId: string,
    raw: readonly UsageEventInput[],
  ): Promise<RpcResult<{ recorded: number }>> {
    const tenant = parse(tenantIdSchema, tenantId);
    if (!tenant.ok) return tenant;
    const events = parse(usageEventSchema.array().max(1000), raw);
    if (!events.ok) return events;

    this.#ensureSchema();
    const owner = this.#owner(tenant.value);
    if (owner === 'other') return refuse('not_found', NOT_FOUND);
    this.ctx.storage.transactionSync(() => {
      if (owner === 'none') this.#writeMeta('tenant_id', tenant.value);
      // A batch folds into a handful of rows: sum it per row first, then read-merge-write each row once.
      for (const rollup of rollupsOf(events.value, [MINUTE_MS, HOUR_MS])) this.#merge(rollup);
    });
    if (!this.#alarmScheduled) {
      if ((await this.ctx.storage.getAlarm()) === null) {
        await this.ctx.storage.setAlarm(Date.now() + PRUNE_INTERVAL_MS);
      }
      this.#alarmScheduled = true;
    }
    return ok({ recorded: events.value.length });
  }

  series(tenantId: string, raw: SeriesQueryInput, options: SeriesOptions = {}): RpcResult<UsageSeries> {
    const tenant = parse(tenantIdSchema, tenantId);
    if (!tenant.ok) return tenant;
    const input = parse(seriesQuerySchema, raw);
    if (!input.ok) return input;
    const query = input.value;
    const now = options.now ?? Date.now();
    if (query.granularity === 'minute' && query.from < now - MINUTE_RETENTION_MS) {
      return refuse(
        'invalid_request',
        `from: minute buckets are kept for ${MINUTE_RETENTION_MS / HOUR_MS} h; ask for hour buckets further back`,
      );
    }

    if (!this.#hasSchema()) return ok(buildSeries(tenant.value, query, []));
    this.#ensureSchema();
    const owner = this.#owner(tenant.value);
    if (owner === 'other') return refuse('not_found', NOT_FOUND);
    const { start, end } = alignedRange(query);
    const rows = this.ctx.storage.sql.exec<RollupRow>(
      'SELECT * FROM rollups WHERE grain = ? AND start >= ? AND start < ?',
      query.granularity === 'minute' ? MINUTE_MS : HOUR_MS,
      start,
      end,
    );
    return ok(buildSeries(tenant.value, query, rows));
  }

  /**
   * The billing export: per UTC day, key, model and route, requests, errors, tokens and cost, from
   * the hour rollups (kept 32 days, so any 31 days are whole).
   */
  billing(tenantId: string, raw: BillingQueryInput): RpcResult<BillingExport> {
    const tenant = parse(tenantIdSchema, tenantId);
    if (!tenant.ok) return tenant;
    const input = parse(billingQuerySchema, raw);
    if (!input.ok) return input;
    const { start, end } = billingRange(input.value);
    if (!this.#hasSchema()) return ok(buildBilling(tenant.value, start, end, []));
    this.#ensureSchema();
    if (this.#owner(tenant.value) === 'other') return refuse('not_found', NOT_FOUND);
    const rows = this.ctx.storage.sql.exec<RollupRow>(
      'SELECT * FROM rollups WHERE grain = ? AND start >= ? AND start < ?',
      HOUR_MS,
      start,
      end,
    );
    return ok(buildBilling(tenant.value, start, end, rows));
  }

  /** Retention runs here, not on write: a tenant that stops calling still has its rollups pruned. */
  override async alarm(): Promise<void> {
    const now = Date.now();
    if (!this.#hasSchema()) return;
    this.ctx.storage.transactionSync(() => {
      const { sql } = this.ctx.storage;
      sql.exec('DELETE FROM rollups WHERE grain = ? AND start < ?', MINUTE_MS, now - MINUTE_RETENTION_MS);
      sql.exec('DELETE FROM rollups WHERE grain = ? AND start < ?', HOUR_MS, now - HOUR_RETENTION_MS);
    });
    const left = this.ctx.storage.sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM rollups').one().n;
    if (left > 0) {
      await this.ctx.storage.setAlarm(now + PRUNE_INTERVAL_MS);
      return;
    }
    // Nothing left: the object forgets everything, its tenant included, as if never used.
    await this.ctx.storage.deleteAll();
    this.#schemaReady = false;
    this.#migrated = false;
    this.#alarmScheduled = false;
  }

  /** Adds a rollup to its stored row (read, merge, write: histograms are JSON). */
  #merge(rollup: Rollup): void {
    const { sql } = this.ctx.storage;
    const existing = sql
      .exec<RollupRow>(
        'SELECT * FROM rollups WHERE grain = ? AND start = ? AND route = ? AND model = ? AND key_id = ? AND branch = ?',
        rollup.grain,
        rollup.start,
        rollup.route,
        rollup.model,
        rollup.keyId,
        rollup.branch,
      )
      .toArray()[0];
    const errorCodes = addCounts(existing?.error_codes, rollup.errorCodes);
    const latency = addCounts(existing?.latency_hist, rollup.latency);
    const ttft = addCounts(existing?.ttft_hist, rollup.ttft);
    const guardrails = addCounts(existing?.guardrails, rollup.guardrails);
    sql.exec(
      `INSERT OR REPLACE INTO rollups (grain, start, route, model, key_id, branch, requests, errors, error_codes,
         input_tokens, output_tokens, cost_micro_usd, cache_lookups, cache_hits, latency_hist, ttft_hist,
         guardrails)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      rollup.grain,
      rollup.start,
      rollup.route,
      rollup.model,
      rollup.keyId,
      rollup.branch,
      (existing?.requests ?? 0) + rollup.requests,
      (existing?.errors ?? 0) + rollup.errors,
      JSON.stringify(errorCodes),
      (existing?.input_tokens ?? 0) + rollup.inputTokens,
      (existing?.output_tokens ?? 0) + rollup.outputTokens,
      (existing?.cost_micro_usd ?? 0) + rollup.costMicroUsd,
      (existing?.cache_lookups ?? 0) + rollup.cacheLookups,
      (existing?.cache_hits ?? 0) + rollup.cacheHits,
      JSON.stringify(latency),
      JSON.stringify(ttft),
      JSON.stringify(guardrails),
    );
  }

  /** Migrates once per instance: a store written by an older version gains the newer columns. */
  #ensureSchema(): void {
    if (this.#migrated) return;
    // Once per instance, not only for a new object: one written by an older release gets the
    // later migrations (the `branch` column) before anything reads or writes its rows.
    migrate(this.ctx.storage, MIGRATIONS, Date.now());
    this.#migrated = true;
    this.#schemaReady = true;
  }

  #hasSchema(): boolean {
    if (!this.#schemaReady) this.#schemaReady = hasSchema(this.ctx.storage.sql);
    return this.#schemaReady;
  }

  #owner(tenantId: string): 'self' | 'other' | 'none' {
    const stored = this.ctx.storage.sql
      .exec<MetaRow>("SELECT value FROM meta WHERE key = 'tenant_id'")
      .toArray()[0]?.value;
    if (stored === undefined) return 'none';
    return stored === tenantId ? 'self' : 'other';
  }

  #writeMeta(key: string, value: string): void {
    this.ctx.storage.sql.exec(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      key,
      value,
    );
  }
}

/** A batch's sums for one rollup row (grain × start × route × model × key × branch). */
interface Rollup {
  grain: number;
  start: number;
  route: string;
  model: string;
  keyId: string;
  branch: string;
  requests: number;
  errors: number;
  errorCodes: Record<string, number>;
  inputTokens: number;
  outputTokens: number;
  costMicroUsd: number;
  cacheLookups: number;
  cacheHits: number;
  latency: Histogram;
  ttft: Histogram;
  guardrails: Record<string, number>;
}

/** Sums events into their rows of each grain. */
function rollupsOf(events: readonly UsageEvent[], grains: readonly number[]): Iterable<Rollup> {
  const rows = new Map<string, Rollup>();
  for (const event of events) {
    const model = event.model ?? noModelMarker(event);
    const branch = event.branch ?? '';
    for (const grain of grains) {
      const start = Math.floor(event.time / grain) * grain;
      const id = JSON.stringify([grain, start, event.route, model, event.keyId, branch]);
      let row = rows.get(id);
      if (row === undefined) {
        row = {
          grain,
          start,
          route: event.route,
          model,
          keyId: event.keyId,
          branch,
          requests: 0,
          errors: 0,
          errorCodes: {},
          inputTokens: 0,
          outputTokens: 0,
          costMicroUsd: 0,
          cacheLookups: 0,
          cacheHits: 0,
          latency: {},
          ttft: {},
          guardrails: {},
        };
        rows.set(id, row);
      }
      row.requests += 1;
      if (event.errorCode !== undefined || event.status >= 400) {
        const code = event.errorCode ?? `http_${event.status}`;
        row.errors += 1;
        row.errorCodes[code] = (row.errorCodes[code] ?? 0) + 1;
      }
      row.inputTokens += event.inputTokens;
      row.outputTokens += event.outputTokens;
      row.costMicroUsd += Math.round(event.costUsd * 1e6);
      if (event.cacheHit !== null) row.cacheLookups += 1;
      if (event.cacheHit === true) row.cacheHits += 1;
      addTo(row.latency, event.latencyMs);
      if (event.ttftMs !== null) addTo(row.ttft, event.ttftMs);
      for (const [key, n] of Object.entries(event.guardrails ?? {}))
        row.guardrails[key] = (row.guardrails[key] ?? 0) + n;
    }
  }
  return rows.values();
}

/**
 * A request without a model is told apart by how it ended, so that refusals (a disallowed model,
 * bad input, a rate limit) do not sit in one row with the requests that never needed a model.
 */
function noModelMarker(event: UsageEvent): string {
  if (event.status >= 500) return NO_MODEL_MARKERS.failed;
  if (event.status >= 400) return NO_MODEL_MARKERS.refused;
  return event.errorCode === undefined ? NO_MODEL_MARKERS.none : NO_MODEL_MARKERS.failed;
}

/** A stored JSON count map plus new counts. */
function addCounts(stored: string | undefined, added: Record<string, number>): Record<string, number> {
  const counts = JSON.parse(stored ?? '{}') as Record<string, number>;
  for (const [key, n] of Object.entries(added)) counts[key] = (counts[key] ?? 0) + n;
  return counts;
}
