import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { limitsSettingsSchema } from '@aigw/limits/settings';
import { budgetExceededError, budgetStub, reserveBudgets, settleBudgets } from './budgets.ts';

let counter = 0;
/** A fresh tenant per test: the tests share one storage. */
const newTenant = () => `t${Date.now().toString(36)}${++counter}`;
// A fixed instant (BudgetDO has no alarm, so any clock is safe): 2030-03-15 12:00 UTC.
const NOON = Date.UTC(2030, 2, 15, 12);
const tokens1000 = { tokensPerDay: 1000 };

describe('BudgetDO', () => {
  it('reserves, settles the real usage and releases the rest', async () => {
    const tenantId = newTenant();
    const budget = budgetStub(env.BUDGET, tenantId);
    const reserved = await budget.reserve({
      tenantId,
      reservationId: 'r1',
      tokens: 300,
      usd: 0,
      limits: tokens1000,
      now: NOON,
    });
    expect(reserved).toMatchObject({ ok: true, tokens: 300 });
    expect((await budget.usage({ tenantId, limits: tokens1000, now: NOON })).tokensPerDay).toMatchObject({
      used: 0,
      reserved: 300,
      remaining: 700,
    });

    expect(
      await budget.settle({ tenantId, reservationId: 'r1', tokens: 120, usd: 0.002, now: NOON }),
    ).toEqual({
      settled: true,
      hadReservation: true,
    });
    const usage = await budget.usage({ tenantId, limits: tokens1000, now: NOON });
    expect(usage.tokensPerDay).toEqual({
      window: '2030-03-15',
      used: 120,
      reserved: 0,
      limit: 1000,
      remaining: 880,
      resetsAt: '2030-03-16T00:00:00.000Z',
    });
    expect(usage.usdPerMonth).toMatchObject({ window: '2030-03', used: 0.002, limit: null, remaining: null });
  });

  it('refuses a reservation that would exceed the budget, with the figures', async () => {
    const tenantId = newTenant();
    const budget = budgetStub(env.BUDGET, tenantId);
    await budget.settle({ tenantId, reservationId: 'r0', tokens: 120, usd: 0, now: NOON });
    await budget.reserve({
      tenantId,
      reservationId: 'r1',
      tokens: 500,
      usd: 0,
      limits: tokens1000,
      now: NOON,
    });
    const refused = await budget.reserve({
      tenantId,
      reservationId: 'r2',
      tokens: 400,
      usd: 0,
      limits: tokens1000,
      now: NOON,
    });
    expect(refused).toEqual({
      ok: false,
      code: 'budget_exceeded',
      limit: 'tokensPerDay',
      max: 1000,
      used: 120,
      reserved: 500,
      requested: 400,
      retryAfterSeconds: 12 * 3600,
    });
    if (refused.ok) return;
    const error = budgetExceededError({ ...refused, keyId: undefined });
    expect(error).toMatchObject({
      code: 'budget_exceeded',
      status: 429,
      headers: { 'retry-after': '43200' },
    });

    // Releasing the first reservation makes room.
    expect(await budget.release({ tenantId, reservationId: 'r1' })).toEqual({ released: true });
    expect(await budget.release({ tenantId, reservationId: 'r1' })).toEqual({ released: false });
    expect(
      (
        await budget.reserve({
          tenantId,
          reservationId: 'r2',
          tokens: 400,
          usd: 0,
          limits: tokens1000,
          now: NOON,
        })
      ).ok,
    ).toBe(true);
  });

  it('cannot be overspent by concurrent reservations at the edge of the budget', async () => {
    const tenantId = newTenant();
    const budget = budgetStub(env.BUDGET, tenantId);
    await budget.settle({ tenantId, reservationId: 'r0', tokens: 50, usd: 0, now: NOON });
    const results = await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        budget.reserve({
          tenantId,
          reservationId: `r${i + 1}`,
          tokens: 100,
          usd: 0,
          limits: tokens1000,
          now: NOON,
        }),
      ),
    );
    // 50 used + 9 × 100 = 950; a tenth would reach 1050.
    expect(results.filter((r) => r.ok)).toHaveLength(9);
    expect((await budget.usage({ tenantId, limits: tokens1000, now: NOON })).tokensPerDay.remaining).toBe(50);
  });

  it('counts spend per month in exact cents', async () => {
    const tenantId = newTenant();
    const budget = budgetStub(env.BUDGET, tenantId);
    const limits = { usdPerMonth: 0.3 };
    // 0.1 + 0.2 > 0.3 in floating point; the budget counts micro-dollars.
    await budget.settle({ tenantId, reservationId: 'a', tokens: 0, usd: 0.1, now: NOON });
    // Sequential on purpose: the first fills the budget exactly, the second finds it full.
    const results = [
      await budget.reserve({ tenantId, reservationId: 'b', tokens: 0, usd: 0.2, limits, now: NOON }),
      await budget.reserve({ tenantId, reservationId: 'c', tokens: 0, usd: 0.01, limits, now: NOON }),
    ];
    expect(results.map((r) => r.ok)).toEqual([true, false]);
    const refused = results[1];
    expect(refused).toMatchObject({
      limit: 'usdPerMonth',
      max: 0.3,
      used: 0.1,
      reserved: 0.2,
      requested: 0.01,
    });
    // Until 2030-04-01T00:00Z.
    expect(refused).toHaveProperty('retryAfterSeconds', (Date.UTC(2030, 3, 1) - NOON) / 1000);
  });

  it('lets a reservation that is never settled expire', async () => {
    const tenantId = newTenant();
    const budget = budgetStub(env.BUDGET, tenantId);
    await budget.reserve({
      tenantId,
      reservationId: 'crashed',
      tokens: 1000,
      usd: 0,
      limits: tokens1000,
      now: NOON,
    });
    const soon = await budget.reserve({
      tenantId,
      reservationId: 'r2',
      tokens: 1,
      usd: 0,
      limits: tokens1000,
      now: NOON + 599_999,
    });
    expect(soon.ok).toBe(false);
    const later = await budget.reserve({
      tenantId,
      reservationId: 'r2',
      tokens: 1,
      usd: 0,
      limits: tokens1000,
      now: NOON + 600_000,
    });
    expect(later.ok).toBe(true);
  });

  it('starts a new window at UTC midnight and on the first of the month', async () => {
    const tenantId = newTenant();
    const budget = budgetStub(env.BUDGET, tenantId);
    const limits = { tokensPerDay: 1000, usdPerMonth: 1 };
    const lastMinute = Date.UTC(2030, 2, 31, 23, 59);
    await budget.settle({ tenantId, reservationId: 'r1', tokens: 1000, usd: 1, now: lastMinute });
    expect(
      (await budget.reserve({ tenantId, reservationId: 'r2', tokens: 1, usd: 0, limits, now: lastMinute }))
        .ok,
    ).toBe(false);

    const nextDay = Date.UTC(2030, 3, 1, 0, 0);
    const usage = await budget.usage({ tenantId, limits, now: nextDay });
    expect(usage.tokensPerDay).toMatchObject({ window: '2030-04-01', used: 0, remaining: 1000 });
    expect(usage.usdPerMonth).toMatchObject({ window: '2030-04', used: 0, remaining: 1 });
    expect(
      (await budget.reserve({ tenantId, reservationId: 'r2', tokens: 1000, usd: 1, limits, now: nextDay }))
        .ok,
    ).toBe(true);
  });

  it('refuses a call for another tenant', async () => {
    const tenantId = newTenant();
    const budget = budgetStub(env.BUDGET, tenantId);
    await budget.usage({ tenantId, limits: {}, now: NOON });
    const error = await budget.usage({ tenantId: 'other', limits: {}, now: NOON }).then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(String(error)).toMatch(/other than its own/);
  });
});

describe('reserveBudgets', () => {
  const budgets = limitsSettingsSchema.parse({
    budgets: {
      tenant: { tokensPerDay: 1000 },
      key: { tokensPerDay: 300 },
      keys: { big: { tokensPerDay: 900 } },
    },
  }).budgets;

  it('reserves in the tenant and key budgets, and holds nothing when one refuses', async () => {
    const tenantId = newTenant();
    const ok = await reserveBudgets(
      env.BUDGET,
      { tenantId, keyId: 'k1', reservationId: 'r1', tokens: 200, usd: 0, now: NOON },
      budgets,
    );
    expect(ok).toMatchObject({ ok: true, scopes: [{ keyId: undefined }, { keyId: 'k1' }] });

    const refused = await reserveBudgets(
      env.BUDGET,
      { tenantId, keyId: 'k1', reservationId: 'r2', tokens: 200, usd: 0, now: NOON },
      budgets,
    );
    expect(refused).toMatchObject({ ok: false, keyId: 'k1', limit: 'tokensPerDay', max: 300 });
    const tenantUsage = await budgetStub(env.BUDGET, tenantId).usage({
      tenantId,
      limits: budgets.tenant ?? {},
      now: NOON,
    });
    expect(tenantUsage.tokensPerDay.reserved).toBe(200);

    if (!ok.ok) return;
    await settleBudgets(
      env.BUDGET,
      { tenantId, keyId: 'k1', reservationId: 'r1', tokens: 50, usd: 0, now: NOON },
      ok.scopes,
    );
    const keyUsage = await budgetStub(env.BUDGET, tenantId, 'k1').usage({
      tenantId,
      limits: { tokensPerDay: 300 },
      now: NOON,
    });
    expect(keyUsage.tokensPerDay).toMatchObject({ used: 50, reserved: 0, remaining: 250 });
  });

  it('uses a per-key override over the default key budget', async () => {
    const tenantId = newTenant();
    const result = await reserveBudgets(
      env.BUDGET,
      { tenantId, keyId: 'big', reservationId: 'r1', tokens: 800, usd: 0, now: NOON },
      budgets,
    );
    expect(result.ok).toBe(true);
  });
});
