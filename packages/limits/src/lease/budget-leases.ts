import type { BudgetLimits, LeaseSettings } from '@aigw/limits/settings';
import type { BudgetDO } from '../budget/budget-do.ts';
import { toMicros, type BudgetAmount, type BudgetLeaseResult, type ReserveResult } from '../budget/schema.ts';
import type { LeaseContext } from './context.ts';
import { DemandMeter } from './demand.ts';

/**
 * This isolate's budget leases, one per budget object (`tenant:budget`, `tenant:budget:<key>`, a
 * route branch's) it has used: an unspent amount the object holds for this isolate, from which
 * requests here take their worst case and give back the rest, with no call (docs/limits.md,
 * "Leased mode"; ADR 0011). What was spent is reported to the object every `reportMs` while the
 * isolate is busy (cumulative figures: a repeated report books nothing twice) and the lease ends
 * with a final report once the isolate goes quiet.
 *
 * What a crash can lose: spend not reported yet, which is at most the lease's hold at its last
 * answer (≤ `tokens`, ≤ `usd`) plus what answers used beyond their estimates. The object keeps
 * the hold against the budget until `budgetTtlMs` after the last report, then lets it go.
 */
interface BudgetLease {
  /** The budget object's name. */
  readonly name: string;
  id: string;
  /** Granted to this lease so far (cumulative), as the object counts it: reported spend + hold. */
  granted: BudgetAmount;
  /** Spent here (cumulative, settled answers). */
  spent: BudgetAmount;
  /** Spend the object has booked (as of its last answer). */
  reported: BudgetAmount;
  /** Worst cases of requests in flight here. */
  held: BudgetAmount;
  /** Worst cases of requests waiting for the call in flight (the next lease must cover them). */
  waiting: BudgetAmount;
  /** The object keeps the hold until about then (its answer's time + the TTL, by this clock). */
  expiresAt: number;
  /** The object refused: its refusal, repeated here until `until` without asking. */
  refusal: { result: BudgetRefusal; until: number } | undefined;
  pending: Promise<void> | undefined;
  /** A final report is out: new holds wait for it, then start a new lease. */
  closing: boolean;
  reportScheduled: boolean;
  /** Worst cases asked for here, tokens and micro-dollars: the size of the next lease. */
  demand: { tokens: DemandMeter; usdMicros: DemandMeter } | undefined;
  /** Requests since the last report: none (and nothing held) means the lease can end. */
  activity: number;
  /** Where to report (the last request's view). */
  target: ReportTarget | undefined;
}

interface ReportTarget {
  namespace: DurableObjectNamespace<BudgetDO>;
  tenantId: string;
  limits: BudgetLimits;
  settings: BudgetLeaseSettings;
  background: (work: Promise<unknown>) => void;
}

export type BudgetLeaseSettings = Pick<LeaseSettings, 'tokens' | 'usd' | 'budgetTtlMs' | 'reportMs'>;

export type BudgetRefusal = Extract<ReserveResult, { ok: false }>;

/** A request's worst case, held in this isolate's lease. */
export interface LocalBudgetHold {
  /** Books the real usage locally (reported within `reportMs`); call once. */
  settle(used: BudgetAmount): void;
  /** Gives the worst case back, books nothing; call once (or `settle`). */
  release(): void;
}

export type BudgetLeaseOutcome =
  | { ok: true; hold: LocalBudgetHold; called: boolean }
  | { ok: false; refusal: BudgetRefusal; called: boolean }
  /** The worst case does not fit one lease beside what is in flight: reserve it exactly instead. */
  | { ok: 'exact' };

const ZERO: BudgetAmount = { tokens: 0, usdMicros: 0 };
const add = (a: BudgetAmount, b: BudgetAmount): BudgetAmount => ({
  tokens: a.tokens + b.tokens,
  usdMicros: a.usdMicros + b.usdMicros,
});
const sub = (a: BudgetAmount, b: BudgetAmount): BudgetAmount => ({
  tokens: a.tokens - b.tokens,
  usdMicros: a.usdMicros - b.usdMicros,
});

export class BudgetLeases {
  readonly #budgets = new Map<string, BudgetLease>();
  readonly #context: LeaseContext;
  #halted = false;

  constructor(context: LeaseContext) {
    this.#context = context;
  }

  /**
   * Holds `need` (a request's worst case) in this isolate's lease on the budget object `name`,
   * growing the lease from the object when it lacks room (on the request's path, one call for
   * many requests). Only the limits that are set count: the amounts of an unset one are ignored.
   */
  async hold(
    namespace: DurableObjectNamespace<BudgetDO>,
    name: string,
    tenantId: string,
    limits: BudgetLimits,
    need: BudgetAmount,
    settings: BudgetLeaseSettings,
    background: (work: Promise<unknown>) => void,
  ): Promise<BudgetLeaseOutcome> {
    const wanted = this.#limited(limits, need);
    const cap = this.#limited(limits, { tokens: settings.tokens, usdMicros: toMicros(settings.usd) });
    const target: ReportTarget = { namespace, tenantId, limits, settings, background };
    let lease = this.#lease(name);
    lease.target = target;
    lease.activity++;
    this.#demand(lease, settings, wanted);
    if (!fits(add(lease.held, wanted), cap)) return { ok: 'exact' };
    let called = false;
    // Three calls of this request's own at most; waiting for another request's call is no attempt
    // (a crowd waiting on one call must not fall back to exact reservations one by one).
    for (let attempt = 0, turns = 0; attempt < 3 && turns < 12; turns++) {
      // A lease that ended while this request waited is replaced by a new one.
      if (this.#budgets.get(name) !== lease) {
        lease = this.#lease(name);
        lease.target = target;
        lease.activity++;
        this.#demand(lease, settings, wanted);
      }
      const now = this.#context.clock();
      if (!lease.closing && now < lease.expiresAt - settings.reportMs) {
        if (fits(wanted, sub(sub(lease.granted, lease.spent), lease.held))) {
          return { ok: true, hold: this.#take(lease, wanted), called };
        }
      }
      if (lease.refusal !== undefined && now < lease.refusal.until) {
        return { ok: false, refusal: lease.refusal.result, called };
      }
      called = true;
      if (lease.pending !== undefined) {
        lease.waiting = add(lease.waiting, wanted);
        await lease.pending.catch(() => undefined);
        lease.waiting = sub(lease.waiting, wanted);
        continue;
      }
      attempt++;
      // Room for what is in flight, this request, and about two report periods of demand.
      const ahead = {
        tokens: Math.ceil((lease.demand?.tokens.rate(now) ?? 0) * 2 * settings.reportMs),
        usdMicros: Math.ceil((lease.demand?.usdMicros.rate(now) ?? 0) * 2 * settings.reportMs),
      };
      const least = add(lease.held, wanted);
      // The requests waiting on this call count too: one call serves them all.
      const queued = add(least, lease.waiting);
      const hold = {
        tokens: Math.min(cap.tokens, queued.tokens + Math.max(wanted.tokens, ahead.tokens)),
        usdMicros: Math.min(cap.usdMicros, queued.usdMicros + Math.max(wanted.usdMicros, ahead.usdMicros)),
      };
      await this.#call(lease, { hold, need: least });
    }
    return lease.refusal !== undefined
      ? { ok: false, refusal: lease.refusal.result, called }
      : { ok: 'exact' };
  }

  /** Reports every lease's spend now, and ends the quiet ones. */
  async flush(): Promise<void> {
    await Promise.all([...this.#budgets.values()].map((lease) => this.#report(lease, false)));
  }

  /**
   * Stops every call this isolate would still make, as if it died here: nothing more is reported
   * and no hold is given back (tests and the simulation use it to show what a crash costs).
   */
  halt(): void {
    this.#halted = true;
  }

  /** What this isolate has spent and not yet reported on `name` (what a crash now would lose). */
  unreported(name: string): BudgetAmount {
    const lease = this.#budgets.get(name);
    return lease === undefined ? ZERO : sub(lease.spent, lease.reported);
  }

  /** The unspent amount this isolate's lease on `name` holds beside what is in flight. */
  free(name: string): BudgetAmount {
    const lease = this.#budgets.get(name);
    if (lease === undefined || this.#context.clock() >= lease.expiresAt) return ZERO;
    return sub(sub(lease.granted, lease.spent), lease.held);
  }

  #demand(lease: BudgetLease, settings: BudgetLeaseSettings, wanted: BudgetAmount): void {
    const now = this.#context.clock();
    lease.demand ??= {
      tokens: new DemandMeter(settings.reportMs, now),
      usdMicros: new DemandMeter(settings.reportMs, now),
    };
    lease.demand.tokens.add(wanted.tokens, now);
    lease.demand.usdMicros.add(wanted.usdMicros, now);
  }

  /** Amounts of the limits that are not set count as nothing. */
  #limited(limits: BudgetLimits, amount: BudgetAmount): BudgetAmount {
    return {
      tokens: limits.tokensPerDay === undefined ? 0 : amount.tokens,
      usdMicros: limits.usdPerMonth === undefined ? 0 : amount.usdMicros,
    };
  }

  #take(lease: BudgetLease, wanted: BudgetAmount): LocalBudgetHold {
    lease.held = add(lease.held, wanted);
    let done = false;
    const end = (spent: BudgetAmount) => {
      if (done) return;
      done = true;
      lease.held = sub(lease.held, wanted);
      lease.spent = add(lease.spent, spent);
      this.#schedule(lease);
    };
    return {
      settle: (used) => {
        const target = lease.target;
        end(target === undefined ? used : this.#limited(target.limits, used));
      },
      release: () => {
        end(ZERO);
      },
    };
  }

  #lease(name: string): BudgetLease {
    let lease = this.#budgets.get(name);
    if (lease === undefined) {
      if (this.#budgets.size >= this.#context.maxKeys) this.#evict();
      lease = this.#fresh(name);
      this.#budgets.set(name, lease);
    }
    return lease;
  }

  /** Forgets quiet leases whose holds have lapsed (nothing unreported, nothing in flight). */
  #evict(): void {
    const now = this.#context.clock();
    for (const [name, lease] of this.#budgets) {
      const idle = lease.pending === undefined && lease.held.tokens === 0 && lease.held.usdMicros === 0;
      const reported =
        lease.spent.tokens === lease.reported.tokens && lease.spent.usdMicros === lease.reported.usdMicros;
      if (idle && reported && now >= lease.expiresAt) this.#budgets.delete(name);
    }
  }

  #fresh(name: string): BudgetLease {
    return {
      name,
      id: this.#context.newId(),
      granted: ZERO,
      spent: ZERO,
      reported: ZERO,
      held: ZERO,
      waiting: ZERO,
      expiresAt: 0,
      refusal: undefined,
      pending: undefined,
      closing: false,
      reportScheduled: false,
      demand: undefined,
      activity: 0,
      target: undefined,
    };
  }

  /** A report `reportMs` from now, kept alive by the request that made it due. */
  #schedule(lease: BudgetLease): void {
    const target = lease.target;
    if (lease.reportScheduled || target === undefined || this.#halted) return;
    lease.reportScheduled = true;
    target.background(
      this.#context
        .sleep(target.settings.reportMs)
        .then(() => {
          lease.reportScheduled = false;
          return this.#report(lease, true);
        })
        .catch((error: unknown) => {
          this.#context.log('budget lease report failed', lease.name, error);
        }),
    );
  }

  /**
   * Books what was spent since the last call and renews the hold; a lease with nothing in flight
   * and no request since the last report ends (its hold goes back to the budget).
   */
  async #report(lease: BudgetLease, reschedule: boolean): Promise<void> {
    if (lease.pending !== undefined) await lease.pending;
    const target = lease.target;
    if (target === undefined || this.#halted || this.#budgets.get(lease.name) !== lease) return;
    const quiet = lease.activity === 0 && lease.held.tokens === 0 && lease.held.usdMicros === 0;
    if (quiet) {
      lease.closing = true;
      try {
        await this.#call(lease, { hold: ZERO, final: true });
      } finally {
        // Ended or not, the next request starts a new lease (an unanswered final lapses at its TTL).
        this.#budgets.delete(lease.name);
      }
      return;
    }
    lease.activity = 0;
    const unreported = sub(lease.spent, lease.reported);
    const lapsing = this.#context.clock() >= lease.expiresAt - target.settings.budgetTtlMs / 2;
    if (unreported.tokens > 0 || unreported.usdMicros > 0 || lapsing) {
      // The hold stays what is unspent (in flight included), renewed for another TTL.
      await this.#call(lease, { hold: sub(lease.granted, lease.spent) });
    }
    if (reschedule) this.#schedule(lease);
  }

  #call(
    lease: BudgetLease,
    ask: { hold: BudgetAmount; need?: BudgetAmount; final?: boolean },
  ): Promise<void> {
    const target = lease.target;
    if (target === undefined || this.#halted) return Promise.resolve();
    const { name } = lease;
    const spent = lease.spent;
    const call = target.namespace
      .getByName(name)
      .lease({
        tenantId: target.tenantId,
        leaseId: lease.id,
        limits: target.limits,
        spent,
        hold: { tokens: Math.max(0, ask.hold.tokens), usdMicros: Math.max(0, ask.hold.usdMicros) },
        ...(ask.need === undefined ? {} : { need: ask.need }),
        ...(ask.final === true ? { final: true } : {}),
        ttlMs: target.settings.budgetTtlMs,
        ...(this.#context.sendClock ? { now: Math.floor(this.#context.clock()) } : {}),
      })
      .then((result: BudgetLeaseResult) => {
        const now = this.#context.clock();
        lease.reported = spent;
        lease.granted = add(spent, result.hold);
        lease.expiresAt = now + target.settings.budgetTtlMs;
        if (result.ok) lease.refusal = undefined;
        else {
          // Budgets free up only as holds end: a refusal stands here for one report period.
          lease.refusal = { result: refusalOf(result), until: now + target.settings.reportMs };
        }
      })
      .finally(() => {
        lease.pending = undefined;
      });
    lease.pending = call;
    return call;
  }
}

/** Whether `amount` fits in `room` (every part). */
function fits(amount: BudgetAmount, room: BudgetAmount): boolean {
  return amount.tokens <= room.tokens && amount.usdMicros <= room.usdMicros;
}

/** The refusal part of a lease's answer (what a request refused by it is told). */
function refusalOf(result: Extract<BudgetLeaseResult, { ok: false }>): BudgetRefusal {
  return {
    ok: false,
    code: result.code,
    limit: result.limit,
    max: result.max,
    used: result.used,
    reserved: result.reserved,
    requested: result.requested,
    retryAfterSeconds: result.retryAfterSeconds,
  };
}
