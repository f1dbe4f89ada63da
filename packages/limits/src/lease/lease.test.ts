import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { limitsSettingsSchema, type LimitsSettingsInput } from '@aigw/limits/settings';
import { budgetObjectName, budgetStub, holdBudgets } from '../budget/budgets.ts';
import { checkLimits } from '../rate-limit/check-limits.ts';
import { rateLimiterName } from '../rate-limit/naming.ts';
import { IsolateLeases } from './index.ts';

// Real RateLimiterDO and BudgetDO objects (the package's test Worker); each "isolate" is an
// IsolateLeases of its own, as the gateway makes one per isolate. One clock drives the isolates and
// the objects (`sendClock`), set in 2030 so no idle alarm fires during a test.
let counter = 0;
const newTenant = () => `l${Date.now().toString(36)}${++counter}`;
const NOON = Date.UTC(2030, 2, 15, 12);

function world(start = NOON) {
  const clock = { now: start };
  const background: Promise<unknown>[] = [];
  const isolate = () => new IsolateLeases({ clock: () => clock.now, sendClock: true, log: () => undefined });
  return {
    clock,
    isolate,
    background: (work: Promise<unknown>) => {
      background.push(work.catch(() => undefined));
    },
    settled: () => Promise.all(background.splice(0)),
  };
}

const settings = (input: LimitsSettingsInput) => limitsSettingsSchema.parse(input);

describe('request leases', () => {
  it('never spends a lease twice: N requests over three isolates admit at most the burst', async () => {
    const tenantId = newTenant();
    const w = world();
    const limits = settings({ mode: 'leased', rates: { tenant: { rate: 60, burst: 10 } } });
    const isolates = [w.isolate(), w.isolate(), w.isolate()];
    const decisions = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        checkLimits(env.RATE_LIMITER, { tenantId }, limits, {
          leases: { rates: (isolates[i % 3] ?? w.isolate()).rates, background: w.background },
        }),
      ),
    );
    await w.settled();
    const admitted = decisions.filter((d) => d.allowed).length;
    expect(admitted).toBeGreaterThan(0);
    expect(admitted).toBeLessThanOrEqual(10);
    // Every unit is somewhere once: admitted, unspent in a lease, or still in the bucket for an
    // exact check at the same instant. Ten in all, never eleven.
    const name = rateLimiterName(tenantId, 'tenant', tenantId);
    const unspent = isolates.reduce((sum, isolate) => sum + isolate.rates.unspent(name), 0);
    const stub = env.RATE_LIMITER.getByName(name);
    let exact = 0;
    for (let i = 0; i < 12; i++) {
      if ((await stub.check({ tenantId, rate: 60, burst: 10, now: w.clock.now })).allowed) exact++;
    }
    expect(admitted + unspent + exact).toBe(10);
  });

  it('counts a repeated lease call once (cumulative figures)', async () => {
    const tenantId = newTenant();
    const stub = env.RATE_LIMITER.getByName(rateLimiterName(tenantId, 'tenant', tenantId));
    const call = { tenantId, rate: 60, burst: 10, leaseId: 'lse_a', used: 0, hold: 4, now: NOON };
    expect(await stub.lease(call)).toMatchObject({ units: 4, allowed: true, remaining: 6 });
    // The same call again (a retry): the lease already holds 4, nothing more is charged.
    expect(await stub.lease(call)).toMatchObject({ units: 4, remaining: 6 });
    // Two spent, two kept: the lease still holds 2 and nothing moves.
    expect(await stub.lease({ ...call, used: 2, hold: 2 })).toMatchObject({ units: 2, remaining: 6 });
    // Giving one back credits the bucket with exactly one.
    expect(await stub.lease({ ...call, used: 2, hold: 1 })).toMatchObject({ units: 1, remaining: 7 });
  });

  it('refuses with a time to come back, and the isolate answers refusals itself until then', async () => {
    const tenantId = newTenant();
    const w = world();
    const limits = settings({ mode: 'leased', rates: { key: { rate: 60, burst: 2 } } });
    const isolate = w.isolate();
    const check = () =>
      checkLimits(env.RATE_LIMITER, { tenantId, keyId: 'k1' }, limits, {
        leases: { rates: isolate.rates, background: w.background },
      });
    expect((await check()).allowed).toBe(true);
    expect((await check()).allowed).toBe(true);
    await w.settled();
    const refused = await check();
    expect(refused).toMatchObject({ allowed: false, dimension: 'key' });
    expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    // A second after, one unit is back: the isolate asks again and admits.
    w.clock.now += 1000;
    expect((await check()).allowed).toBe(true);
  });

  it('an isolate that dies with a lease returns nothing, and nothing is admitted past the limit', async () => {
    const tenantId = newTenant();
    const w = world();
    const limits = settings({ mode: 'leased', rates: { tenant: { rate: 600, burst: 20 } } });
    const dying = w.isolate();
    const viaLease = (isolate: IsolateLeases) =>
      checkLimits(env.RATE_LIMITER, { tenantId }, limits, {
        leases: { rates: isolate.rates, background: w.background },
      });
    // The dying isolate is busy: its lease grows, and it dies holding unspent units.
    let admittedBeforeDeath = 0;
    for (let i = 0; i < 12; i++) if ((await viaLease(dying)).allowed) admittedBeforeDeath++;
    await w.settled();
    const name = rateLimiterName(tenantId, 'tenant', tenantId);
    const stranded = dying.rates.unspent(name);
    expect(stranded).toBeGreaterThan(0);
    dying.halt();
    // Another isolate at the same instant gets what the bucket has left beside the stranded units.
    const survivor = w.isolate();
    let admittedAfter = 0;
    for (let i = 0; i < 30; i++) if ((await viaLease(survivor)).allowed) admittedAfter++;
    await w.settled();
    expect(admittedBeforeDeath + admittedAfter).toBe(20 - stranded);
    // The stated bound: never more than the bucket allows (burst + rate × time); the dead lease
    // costs allowance only until the bucket refills (20 units at 10/s: 2 s).
    w.clock.now += 2_000;
    let later = 0;
    for (let i = 0; i < 30; i++) if ((await viaLease(survivor)).allowed) later++;
    await w.settled();
    expect(later).toBe(20);
  });
  it('at the limit, books an isolate its turn: the units wait for their time and the bucket holds', async () => {
    const tenantId = newTenant();
    const stub = env.RATE_LIMITER.getByName(rateLimiterName(tenantId, 'tenant', tenantId));
    // 600 a minute: one unit every 100 ms, burst 10.
    const call = { tenantId, rate: 600, burst: 10, used: 0, now: NOON };
    expect(await stub.lease({ ...call, leaseId: 'lse_a', hold: 10 })).toMatchObject({
      units: 10,
      validFrom: null,
    });
    // The bucket is empty: 4 units conform from 400 ms on, within the 1 s this isolate will wait.
    expect(await stub.lease({ ...call, leaseId: 'lse_b', hold: 4, min: 2, wait: 1_000 })).toMatchObject({
      units: 4,
      granted: 4,
      validFrom: NOON + 400,
      retryAt: null,
    });
    // The next turn would be at 800 ms, past the 300 ms this one waits: refused with a time instead.
    const refused = await stub.lease({ ...call, leaseId: 'lse_c', hold: 4, min: 2, wait: 300 });
    expect(refused).toMatchObject({ units: 0, granted: 0, validFrom: null });
    expect(refused.retryAt).toBeGreaterThan(NOON);

    // Through two isolates: whatever they do, admitted ≤ burst + elapsed / 100 ms at every moment.
    const other = newTenant();
    const w = world();
    const limits = settings({ mode: 'leased', rates: { tenant: { rate: 600, burst: 10 } } });
    const [x, y] = [w.isolate(), w.isolate()];
    let admitted = 0;
    let admittedY = 0;
    const check = async (isolate: IsolateLeases) => {
      const decision = await checkLimits(env.RATE_LIMITER, { tenantId: other }, limits, {
        leases: { rates: isolate.rates, background: w.background },
      });
      if (decision.allowed) admitted++;
      if (decision.allowed && isolate === y) admittedY++;
      await w.settled();
      expect(admitted).toBeLessThanOrEqual(10 + Math.floor((w.clock.now - NOON) / 100));
      return decision;
    };
    for (let i = 0; i < 14; i++) await check(x);
    expect(admitted).toBe(10);
    // Y's first call books its turn: refused now, with a time to come back, and admitted then.
    const early = await check(y);
    expect(early.allowed).toBe(false);
    expect(early.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    for (let t = 50; t <= 1_000; t += 50) {
      w.clock.now = NOON + t;
      await check(x);
      await check(y);
    }
    // Y got its turn; together they used the second's refill, but for units left in a lease.
    expect(admittedY).toBeGreaterThan(0);
    expect(admitted).toBeGreaterThanOrEqual(18);
  });

  it('gives a refused request its units back: a key at its limit does not use up the tenant', async () => {
    const tenantId = newTenant();
    const w = world();
    const limits = settings({
      mode: 'leased',
      rates: { tenant: { rate: 60, burst: 8 }, key: { rate: 60, burst: 2 } },
    });
    const isolate = w.isolate();
    let admitted = 0;
    for (const keyId of ['k1', 'k2', 'k3', 'k4']) {
      for (let i = 0; i < 6; i++) {
        const decision = await checkLimits(env.RATE_LIMITER, { tenantId, keyId }, limits, {
          leases: { rates: isolate.rates, background: w.background },
        });
        if (decision.allowed) admitted++;
        await w.settled();
      }
    }
    // Each key admits its burst of 2; the 16 its lease refused took nothing from the tenant's 8.
    expect(admitted).toBe(8);
  });

  it("keeps tenants' leases apart, also under a guessed lease id", async () => {
    const [a, b] = [newTenant(), newTenant()];
    const objectOfA = env.RATE_LIMITER.getByName(rateLimiterName(a, 'tenant', a));
    const call = { rate: 60, burst: 10, leaseId: 'lse_shared', used: 0, hold: 4, now: NOON };
    expect(await objectOfA.lease({ ...call, tenantId: a })).toMatchObject({ units: 4 });
    // B cannot reach A's object, even with A's lease id (awaited with `.then`: vitest's `rejects`
    // leaves the RPC promise's rejection unhandled)...
    const error = await objectOfA.lease({ ...call, tenantId: b }).then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(String(error)).toMatch(/other than its own/);
    // ...and the same id in B's own object is a new lease of B's bucket, holding none of A's units.
    const objectOfB = env.RATE_LIMITER.getByName(rateLimiterName(b, 'tenant', b));
    expect(await objectOfB.lease({ ...call, tenantId: b, hold: 0 })).toMatchObject({
      units: 0,
      remaining: 10,
    });
    expect(await objectOfA.lease({ ...call, tenantId: a, hold: 4 })).toMatchObject({
      units: 4,
      remaining: 6,
    });
  });
});

describe('budget leases', () => {
  const lease = { tokens: 2_000, usd: 1, budgetTtlMs: 60_000, reportMs: 100 };
  const need = (tokens: number) => ({ tokens, usdMicros: 0 });

  it('holds locally, books what was spent once, and cannot be reported twice', async () => {
    const tenantId = newTenant();
    const w = world();
    const isolate = w.isolate();
    const name = budgetObjectName(tenantId);
    const limits = { tokensPerDay: 10_000 };
    const first = await isolate.budgets.hold(
      env.BUDGET,
      name,
      tenantId,
      limits,
      need(500),
      lease,
      w.background,
    );
    expect(first).toMatchObject({ ok: true, called: true });
    // The second request fits the lease: no call.
    const second = await isolate.budgets.hold(
      env.BUDGET,
      name,
      tenantId,
      limits,
      need(500),
      lease,
      w.background,
    );
    expect(second).toMatchObject({ ok: true, called: false });
    if (first.ok !== true || second.ok !== true) return;
    first.hold.settle(need(120));
    first.hold.settle(need(999)); // a second settle of one hold counts nothing
    second.hold.release();
    expect(isolate.budgets.unreported(name)).toEqual(need(120));
    await isolate.budgets.flush();
    await isolate.budgets.flush(); // the same cumulative figure again books nothing
    const usage = await budgetStub(env.BUDGET, tenantId).usage({ tenantId, limits, now: w.clock.now });
    expect(usage.tokensPerDay.used).toBe(120);
    // A raw repeat of the lease's last report, as a retried RPC would send, books nothing either.
    const stub = budgetStub(env.BUDGET, tenantId);
    const report = {
      tenantId,
      leaseId: 'lse_x',
      limits,
      spent: need(300),
      hold: need(0),
      ttlMs: 60_000,
      now: NOON,
    };
    await stub.lease(report);
    await stub.lease(report);
    expect((await stub.usage({ tenantId, limits, now: NOON })).tokensPerDay.used).toBe(420);
  });

  it('covers a crowd waiting on one lease call: none of them falls back to an exact reservation', async () => {
    const tenantId = newTenant();
    const w = world();
    const isolate = w.isolate();
    const name = budgetObjectName(tenantId);
    const limits = { tokensPerDay: 1_000_000 };
    const outcomes = await Promise.all(
      Array.from({ length: 40 }, () =>
        isolate.budgets.hold(
          env.BUDGET,
          name,
          tenantId,
          limits,
          need(400),
          { ...lease, tokens: 100_000 },
          w.background,
        ),
      ),
    );
    expect(outcomes.filter((o) => o.ok === true)).toHaveLength(40);
    const usage = await budgetStub(env.BUDGET, tenantId).usage({ tenantId, limits, now: w.clock.now });
    // One lease holds them all (40 × 400 and room ahead), and no reservation of its own.
    expect(usage.tokensPerDay.reserved).toBeGreaterThanOrEqual(16_000);
    expect(usage.tokensPerDay.reserved).toBeLessThanOrEqual(100_000);
  });

  it("keeps tenants' budget leases apart, also under a guessed lease id", async () => {
    const [a, b] = [newTenant(), newTenant()];
    const limits = { tokensPerDay: 10_000 };
    const call = {
      leaseId: 'lse_shared',
      limits,
      spent: need(0),
      hold: need(4_000),
      ttlMs: 60_000,
      now: NOON,
    };
    const objectOfA = budgetStub(env.BUDGET, a);
    expect(await objectOfA.lease({ ...call, tenantId: a })).toMatchObject({ ok: true, hold: need(4_000) });
    // B cannot book spend on A's lease nor end it (awaited with `.then`: see the rate test above)...
    const error = await objectOfA.lease({ ...call, tenantId: b, spent: need(4_000), final: true }).then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(String(error)).toMatch(/tenant/);
    // ...and the same id in B's own object is a lease on B's budget, which A's hold does not touch.
    const objectOfB = budgetStub(env.BUDGET, b);
    expect(await objectOfB.lease({ ...call, tenantId: b, hold: need(10_000) })).toMatchObject({ ok: true });
    const usageOfA = await objectOfA.usage({ tenantId: a, limits, now: NOON });
    expect(usageOfA.tokensPerDay).toMatchObject({ used: 0, reserved: 4_000 });
  });

  it('never holds more than the budget across isolates, and refuses what does not fit', async () => {
    const tenantId = newTenant();
    const w = world();
    const name = budgetObjectName(tenantId);
    const limits = { tokensPerDay: 3_000 };
    const isolates = [w.isolate(), w.isolate(), w.isolate(), w.isolate()];
    const outcomes = await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        (isolates[i % 4] ?? w.isolate()).budgets.hold(
          env.BUDGET,
          name,
          tenantId,
          limits,
          need(400),
          lease,
          w.background,
        ),
      ),
    );
    const held = outcomes.filter((o) => o.ok === true).length;
    // 3,000 tokens hold at most seven worst cases of 400.
    expect(held).toBeLessThanOrEqual(7);
    expect(held).toBeGreaterThan(0);
    expect(outcomes.find((o) => o.ok === false)).toMatchObject({ refusal: { code: 'budget_exceeded' } });
    const usage = await budgetStub(env.BUDGET, tenantId).usage({ tenantId, limits, now: w.clock.now });
    expect(usage.tokensPerDay.reserved).toBeLessThanOrEqual(3_000);
  });

  it('an isolate that dies with a lease loses at most one lease of spend, and its hold lapses', async () => {
    const tenantId = newTenant();
    const w = world();
    const name = budgetObjectName(tenantId);
    const limits = { tokensPerDay: 10_000 };
    const dying = w.isolate();
    // It spends 1,800 tokens under its lease (2,000 at most) and dies before reporting them.
    let spentByDead = 0;
    for (let i = 0; i < 6; i++) {
      const outcome = await dying.budgets.hold(
        env.BUDGET,
        name,
        tenantId,
        limits,
        need(300),
        lease,
        w.background,
      );
      if (outcome.ok !== true) break;
      outcome.hold.settle(need(300));
      spentByDead += 300;
    }
    expect(spentByDead).toBeGreaterThan(0);
    const lost = dying.budgets.unreported(name);
    expect(lost.tokens).toBeLessThanOrEqual(lease.tokens);
    dying.halt();
    // While the dead lease's hold stands, the others cannot use it.
    const survivor = w.isolate();
    const spendAll = async () => {
      let spent = 0;
      for (let i = 0; i < 100; i++) {
        const outcome = await survivor.budgets.hold(
          env.BUDGET,
          name,
          tenantId,
          limits,
          need(250),
          lease,
          w.background,
        );
        if (outcome.ok !== true) break;
        outcome.hold.settle(need(250));
        spent += 250;
      }
      await survivor.budgets.flush();
      return spent;
    };
    const before = await spendAll();
    // The hold lapses a TTL after the dead isolate's last call; then the rest can be spent.
    w.clock.now += lease.budgetTtlMs + 1;
    const after = await spendAll();
    const total = spentByDead + before + after;
    // The stated bound: spent ≤ limit + one lease (the dead isolate's unreported spend).
    expect(total).toBeGreaterThan(limits.tokensPerDay);
    expect(total - limits.tokensPerDay).toBeLessThanOrEqual(lease.tokens);
    // Exactly the lost spend, less what the survivor could not use in steps of 250.
    expect(total - limits.tokensPerDay).toBeGreaterThan(lost.tokens - 250);
  });
});

describe('switching modes', () => {
  it('keeps the request count: exact, then leased, then exact share one bucket', async () => {
    const tenantId = newTenant();
    const w = world();
    const exact = settings({ rates: { tenant: { rate: 60, burst: 10 } } });
    const leased = settings({ mode: 'leased', rates: { tenant: { rate: 60, burst: 10 } } });
    const isolate = w.isolate();
    const options = { leases: { rates: isolate.rates, background: w.background }, now: w.clock.now };
    let admitted = 0;
    for (let i = 0; i < 4; i++)
      if ((await checkLimits(env.RATE_LIMITER, { tenantId }, exact, options)).allowed) admitted++;
    for (let i = 0; i < 10; i++)
      if ((await checkLimits(env.RATE_LIMITER, { tenantId }, leased, options)).allowed) admitted++;
    await w.settled();
    const back = await checkLimits(env.RATE_LIMITER, { tenantId }, exact, options);
    expect(admitted).toBe(10);
    expect(back.allowed).toBe(false);
  });

  it('keeps the budget: exact and leased requests book into one count', async () => {
    const tenantId = newTenant();
    const w = world();
    const budgets = settings({ budgets: { tenant: { tokensPerDay: 1_000 } } }).budgets;
    const leaseSettings = settings({ mode: 'leased' }).lease;
    const isolate = w.isolate();
    const request = (id: string, tokens: number) => ({
      tenantId,
      reservationId: id,
      tokens,
      usd: 0,
      now: w.clock.now,
    });
    const exact = await holdBudgets(env.BUDGET, request('r1', 400), budgets);
    if (!exact.ok) throw new Error('refused');
    await exact.holding.settle({ tokens: 300, usd: 0 });
    const leasedHold = await holdBudgets(env.BUDGET, request('r2', 400), budgets, [], {
      leases: isolate.budgets,
      settings: leaseSettings,
      background: w.background,
    });
    if (!leasedHold.ok) throw new Error('refused');
    await leasedHold.holding.settle({ tokens: 200, usd: 0 });
    // The lease holds room beside exact requests: a worst case the rest cannot take is refused.
    const refused = await holdBudgets(env.BUDGET, request('r3', 600), budgets);
    expect(refused).toMatchObject({ ok: false, code: 'budget_exceeded' });
    await isolate.budgets.flush();
    await w.settled();
    const usage = await budgetStub(env.BUDGET, tenantId).usage({
      tenantId,
      limits: budgets.tenant ?? {},
      now: w.clock.now,
    });
    expect(usage.tokensPerDay.used).toBe(500);
  });
});

describe('exact mode', () => {
  it('still admits exactly L of N concurrent requests, leases given or not', async () => {
    const tenantId = newTenant();
    const w = world();
    const limits = settings({ rates: { tenant: { rate: 60, burst: 7 } } });
    const isolate = w.isolate();
    const decisions = await Promise.all(
      Array.from({ length: 40 }, () =>
        checkLimits(env.RATE_LIMITER, { tenantId }, limits, {
          now: w.clock.now,
          leases: { rates: isolate.rates, background: w.background },
        }),
      ),
    );
    expect(decisions.filter((d) => d.allowed)).toHaveLength(7);
    // And the isolate took no lease for it.
    expect(isolate.rates.unspent(rateLimiterName(tenantId, 'tenant', tenantId))).toBe(0);
  });

  it('reserves every budget scope at once and holds nothing when one refuses', async () => {
    const tenantId = newTenant();
    const budgets = settings({
      budgets: { tenant: { tokensPerDay: 10_000 }, key: { tokensPerDay: 300 } },
    }).budgets;
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        holdBudgets(
          env.BUDGET,
          { tenantId, keyId: 'k1', reservationId: `r${i}`, tokens: 100, usd: 0, now: NOON },
          budgets,
        ),
      ),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(3);
    const tenantUsage = await budgetStub(env.BUDGET, tenantId).usage({
      tenantId,
      limits: { tokensPerDay: 10_000 },
      now: NOON,
    });
    expect(tenantUsage.tokensPerDay.reserved).toBe(300);
  });
});
