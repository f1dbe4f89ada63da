import { abortAllDurableObjects, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { GatewayError } from '@aigw/core';
import { describe, expect, it } from 'vitest';
import { limitsSettingsSchema, type LimitsSettingsInput } from '@aigw/limits/settings';
import { checkLimits, rateLimitHeaders, rateLimitedError } from './check-limits.ts';
import { rateLimiterName } from './naming.ts';
import type { RateLimiterDO } from './rate-limiter-do.ts';

let counter = 0;
/** A fresh tenant per test: the tests share one storage. */
const newTenant = () => `t${Date.now().toString(36)}${++counter}`;
const settings = (input: LimitsSettingsInput) => limitsSettingsSchema.parse(input);

describe('RateLimiterDO', () => {
  it('admits exactly `burst` of 50 concurrent requests on one key', async () => {
    const tenantId = newTenant();
    const stub = env.RATE_LIMITER.getByName(rateLimiterName(tenantId, 'tenant', tenantId));
    const now = Date.now();
    const results = await Promise.all(
      Array.from({ length: 50 }, () => stub.check({ tenantId, rate: 60, burst: 10, now })),
    );
    expect(results.filter((r) => r.allowed)).toHaveLength(10);
    expect(
      results
        .filter((r) => r.allowed)
        .map((r) => r.remaining)
        .sort((a, b) => a - b),
    ).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(results.find((r) => !r.allowed)).toMatchObject({ limit: 10, remaining: 0, retryAfterSeconds: 1 });
  });

  it('refills over time (GCRA), with the clock injected', async () => {
    const tenantId = newTenant();
    const stub = env.RATE_LIMITER.getByName(rateLimiterName(tenantId, 'key', 'k1'));
    const t0 = Date.now();
    const check = (now: number) => stub.check({ tenantId, rate: 30, burst: 3, now }); // one per 2 s
    for (let i = 0; i < 3; i++) expect((await check(t0)).allowed).toBe(true);
    expect(await check(t0 + 1999)).toMatchObject({ allowed: false, retryAfterSeconds: 1 });
    expect(await check(t0 + 2000)).toMatchObject({ allowed: true, remaining: 0 });
    expect((await check(t0 + 2000)).allowed).toBe(false);
    // After a quiet 6 s the bucket is full again.
    expect(await check(t0 + 8000)).toMatchObject({ allowed: true, remaining: 2, resetSeconds: 2 });
  });

  it('keeps its state across a restart', async () => {
    const tenantId = newTenant();
    const name = rateLimiterName(tenantId, 'ip', '2001:db8::1');
    const now = Date.now();
    for (let i = 0; i < 2; i++)
      await env.RATE_LIMITER.getByName(name).check({ tenantId, rate: 1, burst: 2, now });
    await abortAllDurableObjects();
    expect((await env.RATE_LIMITER.getByName(name).check({ tenantId, rate: 1, burst: 2, now })).allowed).toBe(
      false,
    );
  });

  it('deletes its storage once the key has gone quiet', async () => {
    const tenantId = newTenant();
    const stub = env.RATE_LIMITER.getByName(rateLimiterName(tenantId, 'ip', '192.0.2.1'));
    // Checked long ago: the TAT is already in the past, the bucket full again.
    await stub.check({ tenantId, rate: 60, burst: 10, now: Date.now() - 3_600_000 });
    await runDurableObjectAlarm(stub);
    const tables = await runInDurableObject(stub, (_i, state) =>
      state.storage.sql.exec("SELECT name FROM sqlite_master WHERE type = 'table'").toArray(),
    );
    expect(tables).toEqual([]);
  });

  it('refuses a call for another tenant', async () => {
    const tenantId = newTenant();
    const stub = env.RATE_LIMITER.getByName(rateLimiterName(tenantId, 'tenant', tenantId));
    await stub.check({ tenantId, rate: 60, burst: 10 });
    // Awaited with `.then`: vitest's `rejects` leaves the RPC promise's rejection unhandled.
    const error = await stub.check({ tenantId: 'other', rate: 60, burst: 10 }).then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(String(error)).toMatch(/other than its own/);
  });
});

describe('checkLimits', () => {
  it('admits exactly the burst of 50 concurrent requests through the helper', async () => {
    const tenantId = newTenant();
    const limits = settings({ rates: { tenant: { rate: 60, burst: 10 } } });
    const now = Date.now();
    const decisions = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        checkLimits(env.RATE_LIMITER, { tenantId, keyId: `k${i % 5}` }, limits, { now }),
      ),
    );
    expect(decisions.filter((d) => d.allowed)).toHaveLength(10);
  });

  it('returns the most restrictive dimension, with its headers', async () => {
    const tenantId = newTenant();
    const limits = settings({
      rates: { tenant: { rate: 600, burst: 100 }, key: { rate: 60, burst: 2 }, ip: { rate: 60, burst: 5 } },
    });
    const subject = { tenantId, keyId: 'k1', ip: '198.51.100.7' };
    const now = Date.now();
    const first = await checkLimits(env.RATE_LIMITER, subject, limits, { now });
    expect(first).toMatchObject({ allowed: true, dimension: 'key', limit: 2, remaining: 1 });
    expect(rateLimitHeaders(first)).toEqual({
      'ratelimit-limit': '2',
      'ratelimit-remaining': '1',
      'ratelimit-reset': '1',
    });
    await checkLimits(env.RATE_LIMITER, subject, limits, { now });
    const third = await checkLimits(env.RATE_LIMITER, subject, limits, { now });
    expect(third).toMatchObject({ allowed: false, dimension: 'key', retryAfterSeconds: 1 });
    expect(rateLimitHeaders(third)['retry-after']).toBe('1');
    const error = rateLimitedError(third);
    expect(error).toMatchObject({ code: 'rate_limited', status: 429 });
    expect(error.headers['retry-after']).toBe('1');

    // Another key of the same tenant has its own object and is still admitted.
    const other = await checkLimits(env.RATE_LIMITER, { ...subject, keyId: 'k2' }, limits, { now });
    expect(other.allowed).toBe(true);
  });

  it('skips dimensions without a limit or a value', async () => {
    const tenantId = newTenant();
    const none = await checkLimits(env.RATE_LIMITER, { tenantId, keyId: 'k' }, settings({}));
    expect(none).toMatchObject({ allowed: true, dimension: null });
    expect(rateLimitHeaders(none)).toEqual({});

    const ipOnly = settings({ rates: { ip: { rate: 60, burst: 1 } } });
    const now = Date.now();
    for (let i = 0; i < 3; i++) {
      expect((await checkLimits(env.RATE_LIMITER, { tenantId }, ipOnly, { now })).dimension).toBeNull();
    }
  });

  // A real object whose storage is down; typed as the limiter it stands in for.
  const unavailable = env.UNAVAILABLE_LIMITER as unknown as DurableObjectNamespace<RateLimiterDO>;

  it('refuses with rate_limited when the limiter fails and the policy is closed', async () => {
    const limits = settings({ rates: { tenant: { rate: 60, burst: 10 } } });
    const error: unknown = await checkLimits(unavailable, { tenantId: newTenant() }, limits).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ code: 'rate_limited', headers: { 'retry-after': '1' } });
  });

  it('admits and flags the failure when the policy is open', async () => {
    const limits = settings({ rates: { tenant: { rate: 60, burst: 10 } }, onLimiterError: 'open' });
    const decision = await checkLimits(unavailable, { tenantId: newTenant() }, limits);
    expect(decision).toMatchObject({ allowed: true, limiterError: true, dimension: null });
  });
});
