import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { migrate } from '@aigw/core/sqlite';
import { HOUR, MIN, T0, chatEvent, freshTenantId, rejection } from '../../test/fixtures.ts';
import { MIGRATIONS } from './tables.ts';
import { usageStore } from './usage-store.ts';

const AT = { now: T0 + 2 * HOUR };

describe('guardrail decisions in usage', () => {
  it('counts decisions per rule and action, in buckets, groups and totals', async () => {
    const store = usageStore(env.USAGE_STORE, freshTenantId());
    await store.recordMany([
      chatEvent(T0, { guardrails: { 'redact-emails:redact': 2, 'no-keys:block': 1 } }),
      chatEvent(T0 + 1, { route: '/search', guardrails: { 'redact-emails:redact': 1 } }),
      chatEvent(T0 + MIN),
    ]);
    const series = await store.series(
      { from: T0, to: T0 + 2 * MIN, granularity: 'minute', groupBy: 'route' },
      AT,
    );
    expect(series.total.guardrails).toEqual({ 'no-keys': { block: 1 }, 'redact-emails': { redact: 3 } });
    expect(series.buckets[1]?.total.guardrails).toEqual({});
    expect(series.groups?.find((g) => g.key === '/search')?.total.guardrails).toEqual({
      'redact-emails': { redact: 1 },
    });
  });

  it('refuses keys that are not a rule and an action', async () => {
    const store = usageStore(env.USAGE_STORE, freshTenantId());
    const error = await rejection(store.record(chatEvent(T0, { guardrails: { 'no-keys:delete': 1 } })));
    expect(error.code).toBe('invalid_request');
  });

  it('migrates a store written before guardrails were counted', async () => {
    const tenantId = freshTenantId();
    const stub = env.USAGE_STORE.getByName(tenantId);
    await runInDurableObject(stub, (_object, state) => {
      migrate(state.storage, MIGRATIONS.slice(0, 1), Date.now());
      state.storage.sql.exec("INSERT INTO meta (key, value) VALUES ('tenant_id', ?)", tenantId);
    });
    const store = usageStore(env.USAGE_STORE, tenantId);
    await store.record(chatEvent(T0, { guardrails: { 'ips:flag': 1 } }));
    const series = await store.series({ from: T0, to: T0 + MIN, granularity: 'minute' }, AT);
    expect(series.total).toMatchObject({ requests: 1, guardrails: { ips: { flag: 1 } } });
  });
});
