/**
 * The simulation Worker of `npm run simulate` (scripts/simulate/): one tenant's traffic at a fixed
 * rate, spread over many simulated isolates, against the real RateLimiterDO, BudgetDO and
 * UsageStoreDO of @aigw/limits and @aigw/observability in local workerd. Each simulated isolate is
 * what the gateway keeps per isolate — an IsolateLeases and a UsageBatcher — and each request goes
 * through the gateway's own code for it: checkLimits (tenant and key rates), holdBudgets (the
 * tenant's token budget), the hold settled with the tokens the "model" used, a usage event.
 *
 * Time is simulated (`SimClock`): the isolates, the objects (each call carries `now`) and every wait
 * run on one clock that advances only once everything runnable has run and every object call has
 * answered. So a run gives the same counts on a busy machine as on an idle one, and 10,000
 * requests a second need not be served in real time by one workerd thread on a small machine.
 * The objects are real; their own service time is not on the simulated clock (it is measured in
 * real time and reported beside it). Every object call crosses a wrapper that counts it per object
 * and simulated second and holds it `rttMs` (a round trip to an object in another location).
 * Isolates die on schedule (`crashes`), holding whatever they hold; a new one takes their place.
 */
import {
  budgetObjectName,
  checkLimits,
  holdBudgets,
  IsolateLeases,
  limitsSettingsSchema,
  type LimitMode,
} from '@aigw/limits';
import type { TenantUsageEvent } from '@aigw/observability';
import { UsageBatcher } from '../../apps/gateway/src/lib/usage-batcher.ts';

export { BudgetDO, RateLimiterDO } from '@aigw/limits';
export { UsageStoreDO } from '@aigw/observability';

interface SimEnv {
  RATE_LIMITER: DurableObjectNamespace<import('@aigw/limits').RateLimiterDO>;
  BUDGET: DurableObjectNamespace<import('@aigw/limits').BudgetDO>;
  USAGE_STORE: DurableObjectNamespace<import('@aigw/observability').UsageStoreDO>;
}

export interface SimInput {
  /** Offered requests per second, all of one tenant and one key. */
  rate: number;
  seconds: number;
  isolates: number;
  mode: LimitMode;
  /** Added to every object call: a round trip to an object elsewhere. */
  rttMs: number;
  /** Isolates that die during the run (evenly spaced), each the one holding the most unreported spend. */
  crashes: number;
  /** The tenant's request limit as a share of `rate` (the key's is a little higher). */
  limitShare: number;
  /** The token budget as a share of what the admitted requests would spend in the run. */
  budgetShare: number;
  /** Lease settings (`limits.lease`), partial. */
  lease?: Record<string, number>;
  seed: number;
}

const TICK_MS = 5;
/** A request's worst case (prompt estimate + max output) and what it really uses, in tokens. */
const NEED_TOKENS = 1_000;
const USED_MIN = 200;
const USED_SPAN = 600;
/** How long the model takes to answer. */
const CALL_MIN_MS = 50;
const CALL_SPAN_MS = 450;

/** mulberry32: the same run for the same seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Real (wall-clock) time, for what the simulated clock does not cover. */
const realYield = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * The simulation's clock: `sleep` queues a wake-up at a whole simulated millisecond; `run` lets
 * everything runnable run (microtasks, and object calls until they answer, in real time), then
 * moves the clock to the next wake-up and wakes everything due then.
 */
class SimClock {
  now: number;
  #queue: { at: number; wake: () => void }[] = [];
  #io = 0;
  #idle: (() => void) | undefined;

  constructor(start: number) {
    this.now = start;
  }

  sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const at = this.now + Math.max(0, Math.ceil(ms));
      // Kept sorted by time; wake-ups of one millisecond keep their order.
      let i = this.#queue.length;
      while (i > 0 && (this.#queue[i - 1]?.at ?? 0) > at) i--;
      this.#queue.splice(i, 0, { at, wake: resolve });
    });

  /** A real call the clock must wait for before it moves. */
  track<T>(call: Promise<T>): Promise<T> {
    this.#io++;
    return call.finally(() => {
      this.#io--;
      if (this.#io === 0) this.#idle?.();
    });
  }

  /** Runs until `done` settles. */
  async run(done: Promise<unknown>): Promise<void> {
    const state = { finished: false };
    void done.finally(() => {
      state.finished = true;
    });
    for (;;) {
      await this.#settle();
      if (state.finished) break;
      const next = this.#queue[0];
      if (next === undefined) {
        // Nothing scheduled and nothing in flight: something waits on a real timer.
        await new Promise((resolve) => setTimeout(resolve, 1));
        continue;
      }
      this.now = next.at;
      let due = 0;
      while ((this.#queue[due]?.at ?? Infinity) <= this.now) due++;
      for (const item of this.#queue.splice(0, due)) item.wake();
    }
  }

  /** Until no microtask is left and no object call is out. */
  async #settle(): Promise<void> {
    for (;;) {
      await realYield();
      if (this.#io === 0) return;
      await new Promise<void>((resolve) => {
        this.#idle = resolve;
      });
      this.#idle = undefined;
    }
  }
}

/** Calls per object and simulated second of the run, counted where they cross the binding. */
class CallCounter {
  readonly perObject = new Map<string, number[]>();
  /** Calls per `object method`, for the breakdown. */
  readonly perMethod = new Map<string, number>();
  /** Real time each object call took to answer (the objects' own service time, plus workerd's). */
  readonly realMs: number[] = [];
  constructor(
    readonly clock: SimClock,
    readonly started: number,
    readonly rttMs: number,
  ) {}

  wrap<T extends Rpc.DurableObjectBranded | undefined>(
    kind: string,
    namespace: DurableObjectNamespace<T>,
  ): DurableObjectNamespace<T> {
    const call = (object: string, method: string, run: () => Promise<unknown>) =>
      this.#call(`${kind} ${object}`, `${kind} ${method}`, run);
    return new Proxy(namespace, {
      get(target, prop) {
        if (prop !== 'getByName') {
          const value: unknown = Reflect.get(target, prop);
          return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
        }
        return (name: string) => {
          const stub = target.getByName(name) as unknown as Record<
            string,
            (...a: unknown[]) => Promise<unknown>
          >;
          return new Proxy(
            {},
            {
              get(_t, method) {
                if (typeof method !== 'string' || method === 'then') return undefined;
                return (...args: unknown[]) =>
                  call(name, method, () => Promise.resolve(stub[method]?.(...args)));
              },
            },
          );
        };
      },
    });
  }

  async #call(object: string, method: string, run: () => Promise<unknown>): Promise<unknown> {
    this.#count(object);
    this.perMethod.set(method, (this.perMethod.get(method) ?? 0) + 1);
    if (this.rttMs > 0) await this.clock.sleep(this.rttMs);
    const began = performance.now();
    try {
      return await this.clock.track(run());
    } finally {
      this.realMs.push(performance.now() - began);
    }
  }

  #count(object: string): void {
    const second = Math.floor((this.clock.now - this.started) / 1000);
    const seconds = this.perObject.get(object) ?? [];
    seconds[second] = (seconds[second] ?? 0) + 1;
    this.perObject.set(object, seconds);
  }
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}

async function simulate(env: SimEnv, input: SimInput) {
  const random = prng(input.seed);
  const tenantId = `sim${input.rate}${Date.now().toString(36)}${Math.floor(random() * 1e6).toString(36)}`;
  const started = Date.now();
  const wallStart = performance.now();
  const clock = new SimClock(started);
  const calls = new CallCounter(clock, started, input.rttMs);
  const limiters = calls.wrap('limiter', env.RATE_LIMITER);
  const budgets = calls.wrap('budget', env.BUDGET);
  const usage = calls.wrap('usage', env.USAGE_STORE);

  const limitPerSecond = Math.max(1, Math.round(input.rate * input.limitShare));
  const keyPerSecond = Math.max(1, Math.round(input.rate * Math.min(1, input.limitShare + 0.1)));
  // A quarter of a second's worth at once: GCRA's burst.
  const burst = Math.max(1, Math.round(limitPerSecond / 4));
  const tokensPerDay = Math.max(
    1,
    Math.round(input.budgetShare * limitPerSecond * input.seconds * (USED_MIN + USED_SPAN / 2)),
  );
  const settings = limitsSettingsSchema.parse({
    mode: input.mode,
    lease: input.lease ?? {},
    rates: {
      tenant: { rate: limitPerSecond * 60, burst },
      key: { rate: keyPerSecond * 60, burst: Math.max(1, Math.round(keyPerSecond / 4)) },
    },
    budgets: { tenant: { tokensPerDay } },
  });

  const background = new Set<Promise<unknown>>();
  const keep = (work: Promise<unknown>) => {
    const tracked = work.catch(() => undefined);
    background.add(tracked);
    void tracked.finally(() => background.delete(tracked));
  };
  type Isolate = { leases: IsolateLeases; batcher: UsageBatcher; alive: boolean };
  const isolate = (): Isolate => ({
    leases: new IsolateLeases({
      log: () => undefined,
      clock: () => clock.now,
      sleep: clock.sleep,
      sendClock: true,
    }),
    batcher: new UsageBatcher({ log: () => undefined, sleep: clock.sleep }),
    alive: true,
  });
  const isolates = Array.from({ length: input.isolates }, isolate);

  const stats = {
    offered: 0,
    admitted: 0,
    refusedRate: 0,
    refusedBudget: 0,
    failed: 0,
    spentTokens: 0,
    lostTokens: 0,
    lostUsageEvents: 0,
    crashes: 0,
    addedMs: [] as number[],
  };
  const inFlight = new Set<Promise<void>>();
  const budgetName = budgetObjectName(tenantId);

  const request = async (at: Isolate, arrived: number) => {
    // Taken now: by the time this request reserves, others have counted themselves (a shared id
    // would make two reservations one, and the budget would under-count).
    const reservationId = `rsv_${++stats.offered}`;
    const decision = await checkLimits(limiters, { tenantId, keyId: 'app' }, settings, {
      now: clock.now,
      leases: { rates: at.leases.rates, background: keep },
    });
    if (!decision.allowed) {
      stats.refusedRate++;
      stats.addedMs.push(clock.now - arrived);
      return;
    }
    stats.admitted++;
    const held = await holdBudgets(
      budgets,
      {
        tenantId,
        keyId: 'app',
        reservationId,
        tokens: NEED_TOKENS,
        usd: 0,
        now: clock.now,
      },
      settings.budgets,
      [],
      settings.mode === 'leased'
        ? { leases: at.leases.budgets, settings: settings.lease, background: keep }
        : undefined,
    );
    stats.addedMs.push(clock.now - arrived);
    if (!held.ok) {
      stats.refusedBudget++;
      return;
    }
    const used = USED_MIN + Math.floor(random() * USED_SPAN);
    await clock.sleep(CALL_MIN_MS + random() * CALL_SPAN_MS);
    // The model answered: its tokens are spent whether or not this isolate lives to report them.
    stats.spentTokens += used;
    if (!at.alive) {
      stats.lostTokens += used;
      return;
    }
    await held.holding.settle({ tokens: used, usd: 0 });
    const event: TenantUsageEvent = {
      tenantId,
      time: arrived,
      route: '/v1/chat/completions',
      status: 200,
      keyId: 'app',
      model: 'sim/model',
      inputTokens: Math.floor(used / 2),
      outputTokens: used - Math.floor(used / 2),
      latencyMs: clock.now - arrived,
    };
    at.batcher.record(usage, event, keep);
  };

  const crashAt = Array.from(
    { length: input.crashes },
    (_, i) => started + ((i + 1) * input.seconds * 1000) / (input.crashes + 1),
  );
  const end = started + input.seconds * 1000;
  let last = started;
  let carry = 0;
  const drive = async () => {
    while (clock.now < end) {
      await clock.sleep(TICK_MS);
      const now = clock.now;
      carry += (input.rate * (Math.min(now, end) - last)) / 1000;
      last = Math.min(now, end);
      const arrivals = Math.floor(carry);
      carry -= arrivals;
      for (let i = 0; i < arrivals; i++) {
        const at = isolates[Math.floor(random() * isolates.length)] ?? isolates[0];
        if (at === undefined) break;
        const work = request(at, now).catch(() => {
          stats.failed++;
        });
        inFlight.add(work);
        void work.finally(() => inFlight.delete(work));
      }
      while (crashAt.length > 0 && (crashAt[0] ?? Infinity) <= now) {
        crashAt.shift();
        // The worst moment: the isolate with the most spend it has not reported yet.
        let worst = 0;
        isolates.forEach((candidate, index) => {
          const lost = candidate.leases.budgets.unreported(budgetName).tokens;
          const current = isolates[worst]?.leases.budgets.unreported(budgetName).tokens ?? 0;
          if (lost > current) worst = index;
        });
        const dying = isolates[worst];
        if (dying === undefined) continue;
        stats.lostTokens += dying.leases.budgets.unreported(budgetName).tokens;
        stats.lostUsageEvents += dying.batcher.pending();
        dying.alive = false;
        dying.leases.halt();
        dying.batcher.halt();
        isolates[worst] = isolate();
        stats.crashes++;
      }
    }
    const elapsedS = (clock.now - started) / 1000;
    await Promise.all(inFlight);
    // Reports and usage batches still due, then every live isolate's final report.
    await Promise.all(background);
    for (const at of isolates) await at.leases.budgets.flush();
    await Promise.all(background);
    return elapsedS;
  };
  const elapsedS = await (async () => {
    const driving = drive();
    await clock.run(driving);
    return await driving;
  })();
  const wallS = (performance.now() - wallStart) / 1000;
  const booked = await env.BUDGET.getByName(budgetName).usage({
    tenantId,
    limits: settings.budgets.tenant ?? {},
  });

  const allowed = burst + limitPerSecond * elapsedS;
  const added = stats.addedMs.sort((a, b) => a - b);
  const objects = [...calls.perObject.entries()].map(([object, seconds]) => {
    const full = Array.from(seconds, (n: number | undefined) => n ?? 0);
    return {
      object,
      maxPerSecond: Math.max(0, ...full),
      perSecond: full,
      meanPerSecond: full.reduce((a, b) => a + b, 0) / Math.max(1, elapsedS),
      total: full.reduce((a, b) => a + b, 0),
    };
  });
  const lease = settings.lease;
  return {
    input,
    tenantId,
    elapsedS,
    offeredPerSecond: stats.offered / elapsedS,
    limits: {
      requestsPerSecond: limitPerSecond,
      burst,
      tokensPerDay,
      leaseTokens: lease.tokens,
      leaseRequests: lease.requests,
    },
    admitted: stats.admitted,
    allowed,
    requestOvershootPercent: Math.max(0, ((stats.admitted - allowed) / allowed) * 100),
    admittedShare: stats.admitted / allowed,
    refusedRate: stats.refusedRate,
    refusedBudget: stats.refusedBudget,
    failed: stats.failed,
    spentTokens: stats.spentTokens,
    bookedTokens: booked.tokensPerDay.used,
    tokenOvershoot: Math.max(0, stats.spentTokens - tokensPerDay),
    tokenOvershootPercent: Math.max(0, ((stats.spentTokens - tokensPerDay) / tokensPerDay) * 100),
    lostTokens: stats.lostTokens,
    lostUsageEvents: stats.lostUsageEvents,
    crashes: stats.crashes,
    wallS,
    objectCallRealMs: (() => {
      const sorted = calls.realMs.sort((a, b) => a - b);
      return { p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
    })(),
    addedLatencyMs: { p50: percentile(added, 50), p99: percentile(added, 99), max: added.at(-1) ?? NaN },
    objects,
    maxObjectCallsPerSecond: Math.max(0, ...objects.map((o) => o.maxPerSecond)),
    callsByMethod: Object.fromEntries(calls.perMethod),
  };
}

export type SimResult = Awaited<ReturnType<typeof simulate>>;

export default {
  async fetch(request: Request, env: SimEnv): Promise<Response> {
    if (request.method !== 'POST') return new Response('POST a simulation', { status: 405 });
    const input = await request.json<SimInput>();
    return Response.json(await simulate(env, input));
  },
};
