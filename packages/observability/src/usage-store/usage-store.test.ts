import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { HOUR, MIN, T0, chatEvent, freshTenantId, rejection } from '../../test/fixtures.ts';
import { migrate } from '@aigw/core/sqlite';
import { DAY_MS } from './schema.ts';
import { MIGRATIONS } from './tables.ts';
import { tenantsUsage, usageStore } from './usage-store.ts';
import { UsageStoreDO } from './usage-store-do.ts';

/** `now` for minute queries about T0: minute rollups must still cover them. */
const AT = { now: T0 + 2 * HOUR };

async function seeded(events: Parameters<ReturnType<typeof usageStore>['record']>[0][]) {
  const tenantId = freshTenantId();
  const store = usageStore(env.USAGE_STORE, tenantId);
  for (const event of events) await store.record(event);
  return { tenantId, store };
}

describe('usage store rollups', () => {
  it('folds events into minute buckets with counts, errors by code, tokens, cost and cache rate', async () => {
    const { tenantId, store } = await seeded([
      chatEvent(T0 + 5_000),
      chatEvent(T0 + 30_000, {
        status: 429,
        errorCode: 'rate_limited',
        inputTokens: 0,
        outputTokens: 0,
        costUsd: 0,
      }),
      chatEvent(T0 + 59_999, { status: 502, errorCode: undefined, costUsd: 0.000001 }),
      chatEvent(T0 + MIN, { route: '/search', model: null, ttftMs: null, cacheHit: true, costUsd: 0 }),
      chatEvent(T0 + MIN + 1, { route: '/search', model: null, ttftMs: null, cacheHit: false, costUsd: 0 }),
      // A stream that failed after its 200: an error by its code.
      chatEvent(T0 + 2 * MIN, { errorCode: 'upstream_error' }),
    ]);
    const series = await store.series({ from: T0, to: T0 + 3 * MIN, granularity: 'minute' }, AT);
    expect(series).toMatchObject({
      tenantId,
      granularity: 'minute',
      groupBy: null,
      from: new Date(T0).toISOString(),
      to: new Date(T0 + 3 * MIN).toISOString(),
    });
    expect(series.buckets.map((b) => b.start)).toEqual(
      [0, 1, 2].map((m) => new Date(T0 + m * MIN).toISOString()),
    );
    const [first, second, third] = series.buckets.map((b) => b.total);
    expect(first).toMatchObject({
      requests: 3,
      errors: 2,
      errorsByCode: { http_502: 1, rate_limited: 1 },
      inputTokens: 20,
      outputTokens: 40,
      costUsd: 0.000136,
      cacheLookups: 0,
      cacheHitRate: null,
    });
    expect(second).toMatchObject({ requests: 2, errors: 0, cacheLookups: 2, cacheHitRate: 0.5 });
    expect(second?.ttftMs.p50).toBeNull();
    expect(third).toMatchObject({ requests: 1, errors: 1, errorsByCode: { upstream_error: 1 } });
    expect(series.total).toMatchObject({ requests: 6, errors: 3, inputTokens: 50, outputTokens: 100 });
    expect(series.total.costUsd).toBeCloseTo(0.000136 + 0.000135, 9);
  });

  it('estimates p50/p95 latency and p50 TTFT from the rollups within the documented error', async () => {
    // 100 latencies 1..100 ms spread over three minutes: exact p50 = 50, p95 = 95.
    const events = Array.from({ length: 100 }, (_, i) =>
      chatEvent(T0 + (i % 3) * MIN, { latencyMs: i + 1, ttftMs: (i + 1) / 2 }),
    );
    const { store } = await seeded(events);
    const { total } = await store.series({ from: T0, to: T0 + HOUR, granularity: 'hour' }, AT);
    const within = (estimate: number | null, truth: number) => {
      expect(estimate).not.toBeNull();
      expect(Math.abs((estimate ?? NaN) - truth) / truth).toBeLessThanOrEqual(0.0906);
    };
    within(total.latencyMs.p50, 50);
    within(total.latencyMs.p95, 95);
    within(total.ttftMs.p50, 25);
  });

  it('returns dense buckets: empty ones are zeros with null percentiles', async () => {
    const { store } = await seeded([chatEvent(T0 + 10 * MIN)]);
    const series = await store.series({ from: T0, to: T0 + 30 * MIN, granularity: 'minute' }, AT);
    expect(series.buckets).toHaveLength(30);
    expect(series.buckets[0]?.total).toEqual({
      requests: 0,
      errors: 0,
      errorsByCode: {},
      inputTokens: 0,
      outputTokens: 0,
      costUsd: 0,
      latencyMs: { p50: null, p95: null },
      ttftMs: { p50: null },
      cacheLookups: 0,
      cacheHitRate: null,
      guardrails: {},
    });
    expect(series.buckets[10]?.total.requests).toBe(1);
  });

  it('buckets by hour and by UTC day, aligning from down and to up', async () => {
    const { store } = await seeded([
      chatEvent(T0 - 1),
      chatEvent(T0 + 59 * MIN),
      chatEvent(T0 + HOUR),
      chatEvent(T0 + 25 * HOUR),
    ]);
    const hours = await store.series(
      { from: T0 - 30 * MIN, to: T0 + 90 * MIN, granularity: 'hour' },
      { now: T0 + DAY_MS * 2 },
    );
    expect(hours.from).toBe(new Date(T0 - HOUR).toISOString());
    expect(hours.to).toBe(new Date(T0 + 2 * HOUR).toISOString());
    expect(hours.buckets.map((b) => b.total.requests)).toEqual([1, 1, 1]);

    const days = await store.series(
      {
        from: new Date(T0 - HOUR).toISOString(),
        to: new Date(T0 + 26 * HOUR).toISOString(),
        granularity: 'day',
      },
      { now: T0 + DAY_MS * 2 },
    );
    expect(days.buckets.map((b) => [b.start, b.total.requests])).toEqual([
      [new Date(T0 - DAY_MS).toISOString(), 1],
      [new Date(T0).toISOString(), 2],
      [new Date(T0 + DAY_MS).toISOString(), 1],
    ]);
  });

  it('groups by model, route or key, per bucket and over the range (most requests first)', async () => {
    const { store } = await seeded([
      chatEvent(T0, { model: 'openai/gpt-4o-mini', keyId: 'key-b' }),
      chatEvent(T0 + 1, { model: 'openai/gpt-4o-mini' }),
      chatEvent(T0 + MIN),
      chatEvent(T0 + MIN + 1, { route: '/search', model: null }),
      chatEvent(T0 + MIN + 2, { model: 'openai/gpt-4o-mini', status: 500, errorCode: 'internal' }),
    ]);
    const byModel = await store.series(
      { from: T0, to: T0 + 2 * MIN, granularity: 'minute', groupBy: 'model' },
      AT,
    );
    expect(byModel.groupBy).toBe('model');
    expect(byModel.groups?.map((g) => [g.key, g.total.requests, g.total.errors])).toEqual([
      ['openai/gpt-4o-mini', 3, 1],
      ['local/echo-1', 1, 0],
      ['no model call', 1, 0],
    ]);
    expect(Object.keys(byModel.buckets[0]?.groups ?? {})).toEqual(['openai/gpt-4o-mini']);
    expect(byModel.buckets[1]?.groups?.['openai/gpt-4o-mini']?.errorsByCode).toEqual({ internal: 1 });

    const byRoute = await store.series(
      { from: T0, to: T0 + 2 * MIN, granularity: 'minute', groupBy: 'route' },
      AT,
    );
    expect(byRoute.groups?.map((g) => [g.key, g.total.requests])).toEqual([
      ['/chat', 4],
      ['/search', 1],
    ]);
    const byKey = await store.series(
      { from: T0, to: T0 + 2 * MIN, granularity: 'minute', groupBy: 'key' },
      AT,
    );
    expect(byKey.groups?.map((g) => [g.key, g.total.requests])).toEqual([
      ['key-a', 4],
      ['key-b', 1],
    ]);
  });

  it('groups requests that chose no model by how they ended, never under one catch-all', async () => {
    const noModel = { model: null, inputTokens: 0, outputTokens: 0, costUsd: 0, ttftMs: null };
    const { tenantId, store } = await seeded([
      chatEvent(T0, { model: 'openai/gpt-4o-mini' }),
      chatEvent(T0 + 1, { ...noModel, status: 403, errorCode: 'model_not_allowed', latencyMs: 2 }),
      chatEvent(T0 + 2, { ...noModel, status: 429, errorCode: 'rate_limited', latencyMs: 3 }),
      chatEvent(T0 + 3, {
        ...noModel,
        route: '/search',
        status: 400,
        errorCode: 'invalid_request',
        latencyMs: 4,
      }),
      chatEvent(T0 + 4, { ...noModel, route: '/search', latencyMs: 900 }),
      chatEvent(T0 + 5, { ...noModel, route: '/documents', status: 500, errorCode: 'internal' }),
    ]);
    const series = await store.series(
      { from: T0, to: T0 + MIN, granularity: 'minute', groupBy: 'model' },
      AT,
    );
    const group = (key: string) => series.groups?.find((g) => g.key === key)?.total;
    expect(series.groups?.map((g) => [g.key, g.total.requests, g.total.errors])).toEqual([
      ['refused before routing', 3, 3],
      ['failed before routing', 1, 1],
      ['no model call', 1, 0],
      ['openai/gpt-4o-mini', 1, 0],
    ]);
    expect(group('refused before routing')?.errorsByCode).toEqual({
      invalid_request: 1,
      model_not_allowed: 1,
      rate_limited: 1,
    });
    // Their own rows: the slow search does not lift the refusals' latency.
    expect(group('refused before routing')?.latencyMs.p95).toBeLessThan(100);
    expect(group('no model call')?.latencyMs.p50).toBeGreaterThan(500);
    expect(series.buckets[0]?.groups?.['refused before routing']?.requests).toBe(3);
    // Another tenant's store has none of it.
    const other = await usageStore(env.USAGE_STORE, freshTenantId()).series(
      { from: T0, to: T0 + MIN, granularity: 'minute', groupBy: 'model' },
      AT,
    );
    expect(other.groups).toEqual([]);
    expect(series.tenantId).toBe(tenantId);
  });

  it('answers an empty series for a tenant that recorded nothing, creating nothing', async () => {
    const tenantId = freshTenantId();
    const series = await usageStore(env.USAGE_STORE, tenantId).series(
      { from: T0, to: T0 + HOUR, granularity: 'minute' },
      AT,
    );
    expect(series.total.requests).toBe(0);
    expect(series.buckets).toHaveLength(60);
    const tables = await runInDurableObject(env.USAGE_STORE.getByName(tenantId), (_instance, state) =>
      state.storage.sql.exec("SELECT name FROM sqlite_master WHERE type = 'table'").toArray(),
    );
    expect(tables).toEqual([]);
  });
});

describe('usage store validation', () => {
  const invalid = async (query: Record<string, unknown>, now = AT.now) => {
    const { store } = await seeded([]);
    const error = await rejection(store.series(query as never, { now }));
    expect(error.code).toBe('invalid_request');
    return error.message;
  };

  it('refuses from ≥ to', async () => {
    expect(await invalid({ from: T0, to: T0, granularity: 'minute' })).toMatch(/^to: must be after from/);
    expect(await invalid({ from: T0 + 1, to: T0, granularity: 'hour' })).toMatch(/^to:/);
  });

  it('refuses ranges longer than the granularity allows', async () => {
    expect(await invalid({ from: T0 - 25 * HOUR, to: T0, granularity: 'minute' }, T0)).toMatch(/24 h/);
    expect(await invalid({ from: T0, to: T0 + 32 * DAY_MS, granularity: 'hour' })).toMatch(/744 h/);
    expect(await invalid({ from: T0, to: T0 + 32 * DAY_MS, granularity: 'day' })).toMatch(/^to:/);
  });

  it('refuses minute buckets older than minute rollups are kept', async () => {
    expect(await invalid({ from: T0, to: T0 + HOUR, granularity: 'minute' }, T0 + 3 * DAY_MS)).toMatch(
      /^from: minute buckets are kept for 48 h/,
    );
  });

  it('refuses unknown granularities, group keys and malformed times', async () => {
    expect(await invalid({ from: T0, to: T0 + HOUR, granularity: 'week' })).toMatch(/^granularity:/);
    expect(await invalid({ from: T0, to: T0 + HOUR, granularity: 'hour', groupBy: 'ip' })).toMatch(
      /^groupBy:/,
    );
    expect(await invalid({ from: 'yesterday', to: T0, granularity: 'hour' })).toMatch(/^from:/);
  });

  it('accepts ms as numbers or digit strings and ISO 8601 instants', async () => {
    const { store } = await seeded([chatEvent(T0)]);
    for (const from of [T0, String(T0), new Date(T0).toISOString()]) {
      const series = await store.series({ from, to: T0 + HOUR, granularity: 'hour' }, AT);
      expect(series.total.requests).toBe(1);
    }
  });

  it('refuses an event that is not well formed', async () => {
    const { store } = await seeded([]);
    expect((await rejection(store.record({ ...chatEvent(T0), status: 42 }))).code).toBe('invalid_request');
    expect((await rejection(store.record({ ...chatEvent(T0), latencyMs: -1 }))).code).toBe('invalid_request');
    expect((await rejection(store.record({ ...chatEvent(T0), errorCode: 'a"b' }))).code).toBe(
      'invalid_request',
    );
  });
});

describe('usage store isolation', () => {
  it('refuses another tenant on both record and series, as if the store did not exist', async () => {
    const { tenantId: a } = await seeded([chatEvent(T0)]);
    const b = freshTenantId();
    const stub = env.USAGE_STORE.getByName(a);
    await expect(stub.series(b, { from: T0, to: T0 + HOUR, granularity: 'hour' }, AT)).resolves.toEqual({
      ok: false,
      error: { code: 'not_found', message: 'No usage store for this tenant.' },
    });
    await expect(stub.record(b, chatEvent(T0))).resolves.toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    // B's own store is separate and empty; A's still holds only A's one request.
    const own = await usageStore(env.USAGE_STORE, b).series(
      { from: T0, to: T0 + HOUR, granularity: 'hour' },
      AT,
    );
    expect(own.total.requests).toBe(0);
    const mine = await usageStore(env.USAGE_STORE, a).series(
      { from: T0, to: T0 + HOUR, granularity: 'hour' },
      AT,
    );
    expect(mine.total.requests).toBe(1);
  });

  it('refuses a tenant id that is not one', async () => {
    const stub = env.USAGE_STORE.getByName(freshTenantId());
    await expect(stub.record('Not A Tenant', chatEvent(T0))).resolves.toMatchObject({
      ok: false,
      error: { code: 'invalid_request' },
    });
    expect(() => usageStore(env.USAGE_STORE, '../x')).toThrow(/Invalid tenant id/);
  });

  it('exposes only record, recordMany, series and billing over RPC', () => {
    const methods = Object.getOwnPropertyNames(UsageStoreDO.prototype).filter((n) => n !== 'constructor');
    expect(methods.sort()).toEqual(['alarm', 'billing', 'record', 'recordMany', 'series']);
  });
});

describe('usage store retention', () => {
  it('prunes minute rows after 48 h and hour rows after 32 days by alarm, and wipes when empty', async () => {
    const now = Date.now();
    const { tenantId, store } = await seeded([
      chatEvent(now - 40 * DAY_MS),
      chatEvent(now - 3 * DAY_MS),
      chatEvent(now - 5 * MIN),
    ]);
    const stub = env.USAGE_STORE.getByName(tenantId);
    const grains = () =>
      runInDurableObject(stub, (_instance, state) =>
        state.storage.sql
          .exec<{ grain: number; n: number }>(
            'SELECT grain, COUNT(*) AS n FROM rollups GROUP BY grain ORDER BY grain',
          )
          .toArray()
          .map((r) => [r.grain, r.n]),
      );
    expect(await grains()).toEqual([
      [MIN, 3],
      [HOUR, 3],
    ]);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await grains()).toEqual([
      [MIN, 1],
      [HOUR, 2],
    ]);
    const days = await store.series({ from: now - 31 * DAY_MS, to: now, granularity: 'day' });
    expect(days.total.requests).toBe(2);
    // Still holding rows: the next prune is scheduled.
    const alarm = await runInDurableObject(stub, (_instance, state) => state.storage.getAlarm());
    expect(alarm).toBeGreaterThan(now);

    // A store whose rollups all expired forgets everything, tenant included.
    const { tenantId: old } = await seeded([chatEvent(now - 40 * DAY_MS)]);
    const oldStub = env.USAGE_STORE.getByName(old);
    expect(await runDurableObjectAlarm(oldStub)).toBe(true);
    const left = await runInDurableObject(oldStub, (_instance, state) =>
      state.storage.sql.exec("SELECT name FROM sqlite_master WHERE type = 'table'").toArray(),
    );
    expect(left).toEqual([]);
    expect(await runDurableObjectAlarm(oldStub)).toBe(false);
  });
});

describe('tenantsUsage', () => {
  it('returns each tenant’s totals in order, with a refusal reported in its own line', async () => {
    const { tenantId: a } = await seeded([chatEvent(T0), chatEvent(T0 + 1)]);
    const { tenantId: b } = await seeded([chatEvent(T0, { inputTokens: 1, outputTokens: 1 })]);
    const c = freshTenantId();
    const lines = await tenantsUsage(
      env.USAGE_STORE,
      [a, b, c, 'Bad Id'],
      { from: T0, to: T0 + DAY_MS, granularity: 'day' },
      { concurrency: 2, now: AT.now },
    );
    expect(
      lines.map((l) => ('total' in l ? [l.tenantId, l.total.requests] : [l.tenantId, l.error.code])),
    ).toEqual([
      [a, 2],
      [b, 1],
      [c, 0],
      ['Bad Id', 'internal'],
    ]);
    expect(lines[1]).toMatchObject({ total: { inputTokens: 1, outputTokens: 1 } });
  });
});

describe('usage store migrations', () => {
  it('brings an object written before the branch column up, keeping its rows, then groups by branch', async () => {
    const tenantId = freshTenantId();
    const stub = env.USAGE_STORE.getByName(tenantId);
    // An object as the first release left it: migration 1 only, one minute row and its tenant.
    await runInDurableObject(stub, (_instance, state) => {
      const [first] = MIGRATIONS;
      if (first === undefined) throw new Error('no migration 1');
      migrate(state.storage, [first], T0);
      state.storage.sql.exec("INSERT INTO meta (key, value) VALUES ('tenant_id', ?)", tenantId);
      state.storage.sql.exec(
        `INSERT INTO rollups VALUES (?, ?, '/chat', 'local/echo-1', 'key-a', 3, 0, '{}', 30, 60, 0, 0, 0, '{}', '{}')`,
        MIN,
        T0,
      );
    });
    const store = usageStore(env.USAGE_STORE, tenantId);
    await store.record(chatEvent(T0 + 1000, { branch: 'ab@1/b' }));
    const series = await store.series(
      { from: T0, to: T0 + HOUR, granularity: 'minute', groupBy: 'branch' },
      AT,
    );
    expect(series.total.requests).toBe(4);
    expect(series.groups?.map((group) => [group.key, group.total.requests])).toEqual([
      ['no route', 3],
      ['ab@1/b', 1],
    ]);
  });
});
