import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { authFailureWait, chargeTokens, checkTokenRate, recordAuthFailure } from './key-limits.ts';

let counter = 0;
/** A fresh tenant per test: the tests share one storage. */
const newTenant = () => `k${Date.now().toString(36)}${++counter}`;

describe('token rate of a runtime key', () => {
  it('admits while the bucket is not in debt and books used tokens after the fact', async () => {
    const tenantId = newTenant();
    const subject = { tenantId, keyId: 'rk-000000000001' };
    const limit = { rate: 600, burst: 1000 }; // 10 tokens a second, 1000 at once
    const t0 = Date.now();
    expect(await checkTokenRate(env.RATE_LIMITER, subject, limit, { now: t0 })).toMatchObject({
      allowed: true,
      remaining: 999,
      dimension: 'tokens',
    });
    // An answer used 3000 tokens: booked in full, 2000 past the burst.
    await chargeTokens(env.RATE_LIMITER, subject, limit, 3000, { now: t0 });
    const refused = await checkTokenRate(env.RATE_LIMITER, subject, limit, { now: t0 + 1000 });
    // 10 tokens a second: the 2000 past the burst, plus the one the check asks for, drain in 200.1 s.
    expect(refused).toMatchObject({ allowed: false, retryAfterSeconds: 200 });
    expect((await checkTokenRate(env.RATE_LIMITER, subject, limit, { now: t0 + 201_000 })).allowed).toBe(
      true,
    );
  });

  it('keeps keys apart', async () => {
    const tenantId = newTenant();
    const limit = { rate: 60, burst: 10 };
    const t0 = Date.now();
    await chargeTokens(env.RATE_LIMITER, { tenantId, keyId: 'rk-00000000000a' }, limit, 500, { now: t0 });
    const other = await checkTokenRate(env.RATE_LIMITER, { tenantId, keyId: 'rk-00000000000b' }, limit, {
      now: t0,
    });
    expect(other.allowed).toBe(true);
  });
});

describe('failed look-ups per client IP', () => {
  it('lets an IP fail `burst` times, then makes it wait, per tenant', async () => {
    const tenantId = newTenant();
    const limit = { rate: 30, burst: 3 };
    const t0 = Date.now();
    for (let i = 0; i < 3; i++) {
      expect(await authFailureWait(env.RATE_LIMITER, tenantId, '203.0.113.9', limit, { now: t0 })).toBe(0);
      await recordAuthFailure(env.RATE_LIMITER, tenantId, '203.0.113.9', limit, { now: t0 });
    }
    expect(await authFailureWait(env.RATE_LIMITER, tenantId, '203.0.113.9', limit, { now: t0 })).toBe(2);
    expect(await authFailureWait(env.RATE_LIMITER, tenantId, '203.0.113.10', limit, { now: t0 })).toBe(0);
    expect(await authFailureWait(env.RATE_LIMITER, newTenant(), '203.0.113.9', limit, { now: t0 })).toBe(0);
    expect(await authFailureWait(env.RATE_LIMITER, tenantId, '203.0.113.9', limit, { now: t0 + 2000 })).toBe(
      0,
    );
  });
});
