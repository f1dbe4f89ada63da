import type { LeaseSettings, RateLimit } from '@aigw/limits/settings';
import type { RateLeaseResult, RateLimiterDO } from '../rate-limit/rate-limiter-do.ts';
import type { RateLimitResult } from '../rate-limit/rate-limiter-do.ts';
import type { LeaseContext } from './context.ts';
import { DemandMeter } from './demand.ts';

/**
 * This isolate's request leases, one per limited key (`tenant:dimension:value` object) it has seen:
 * units the key's `RateLimiterDO` granted it, spent here without a call (docs/limits.md, "Leased
 * mode"; ADR 0011). The object stays the only source of the count: units are charged to its bucket
 * when granted and credited back when given up, so an isolate can only spend what the bucket let
 * go of, and one that dies simply never gives its unspent units back (the bucket refills at its
 * rate regardless).
 */
interface KeyLease {
  /** One lease id per isolate and key, made here, never by a client. */
  readonly id: string;
  /** Units granted to this lease so far, as the object counts them (cumulative). */
  granted: number;
  /** Units spent here (cumulative); `granted − used` may be spent until `expiresAt`. */
  used: number;
  /** Unspent units may be spent until then; afterwards they go back with the next call. */
  expiresAt: number;
  /** The object refused: answer refusals here until then, without asking it. */
  blockedUntil: number;
  /** The figures of the last answer, for the RateLimit headers. */
  last: RateLimitResult | undefined;
  /** The one call in flight for this key, if any: every request waits for the same one. */
  pending: Promise<void> | undefined;
  /** Requests arriving here (admitted or not): the size of the next lease. */
  demand: DemandMeter | undefined;
  /** The last hold asked for: a lease down to a quarter of it is topped up in the background. */
  lastHold: number;
  /** Requests waiting for the call in flight: the next lease covers them too. */
  waiting: number;
  /** The last grant was a booked turn: `notYet` of the units may be spent only from `notBefore`. */
  notBefore: number;
  notYet: number;
  /** Calls sent so far: a unit spent before the last one was reported to the object. */
  calls: number;
}

export interface LeaseAdmission extends RateLimitResult {
  /** Whether this decision needed a call to the object on the request's path. */
  called: boolean;
  /**
   * Admitted: gives the unit back to this isolate's lease (another dimension refused the request).
   * A no-op once a call has reported the unit as spent: the object counts it, so must the lease.
   */
  giveBack?: () => void;
}

/**
 * A request lease covers this share of a lease lifetime's demand: a tenth keeps the units held
 * unspent across all isolates near a tenth of a lifetime of the tenant's traffic (within the
 * burst of a typical limit, so leases do not starve each other below the limit), at about one
 * call per isolate every lifetime / 13 (topped up at a quarter left).
 */
const LEASE_SHARE = 0.1;

export class RateLeases {
  readonly #keys = new Map<string, KeyLease>();
  readonly #context: LeaseContext;
  #halted = false;

  constructor(context: LeaseContext) {
    this.#context = context;
  }

  /**
   * Admits one request of the limited key `name` from this isolate's lease, topping the lease up
   * from the object when it runs low (in the background) or out (on the request's path). A refusal
   * by the object is remembered until the time it gave, so refused traffic does not call it again.
   * Throws when the object cannot be reached and no unit is left (the caller's `onLimiterError`
   * decides).
   */
  async admit(
    namespace: DurableObjectNamespace<RateLimiterDO>,
    name: string,
    tenantId: string,
    limit: RateLimit,
    settings: Pick<LeaseSettings, 'requests' | 'requestTtlMs'>,
    background: (work: Promise<unknown>) => void,
  ): Promise<LeaseAdmission> {
    const lease = this.#lease(name);
    lease.demand ??= new DemandMeter(settings.requestTtlMs / 2, this.#context.clock());
    lease.demand.add(1, this.#context.clock());
    let called = false;
    // Three calls of this request's own at most; waiting for another request's call is no attempt
    // (a crowd waiting on one call must not be refused because the first few took its units).
    for (let attempt = 0, turns = 0; attempt < 3 && turns < 12; turns++) {
      const now = this.#context.clock();
      const booked = now < lease.notBefore ? lease.notYet : 0;
      if (now < lease.expiresAt && lease.granted - lease.used - booked >= 1) {
        lease.used++;
        // Before a top-up below: that call reports this unit as spent, so it cannot come back.
        const calls = lease.calls;
        const left = lease.granted - lease.used;
        const low = left <= Math.floor(lease.lastHold / 4);
        const asking = lease.pending !== undefined || now < lease.blockedUntil || now < lease.notBefore;
        if (low && !asking && !this.#halted) {
          const topUp = this.#call(namespace, name, tenantId, limit, settings, lease);
          // A failed top-up is not this request's failure: the next one that runs out retries.
          background(
            topUp.catch((error: unknown) => {
              this.#context.log('rate lease top-up failed', name, error);
            }),
          );
        }
        return {
          giveBack: () => {
            if (lease.calls === calls && this.#keys.get(name) === lease) lease.used--;
          },
          allowed: true,
          limit: limit.burst,
          // What this isolate can still admit on its own, plus what the bucket had left last time.
          remaining: left + (lease.last?.remaining ?? 0),
          resetSeconds: lease.last?.resetSeconds ?? 0,
          retryAfterSeconds: 0,
          called,
        };
      }
      // Refused, or this isolate's turn is booked: refuse here until then, without asking.
      const until = Math.max(lease.blockedUntil, now < lease.expiresAt ? lease.notBefore : 0);
      if (now < until) {
        return {
          allowed: false,
          limit: limit.burst,
          remaining: 0,
          resetSeconds: lease.last?.resetSeconds ?? 0,
          retryAfterSeconds: Math.max(1, Math.ceil((until - now) / 1000)),
          called,
        };
      }
      called = true;
      if (lease.pending !== undefined) {
        lease.waiting++;
        await lease.pending.catch(() => undefined);
        lease.waiting--;
        continue;
      }
      attempt++;
      await this.#call(namespace, name, tenantId, limit, settings, lease);
    }
    // Granted units were taken by this isolate's other requests three times over: refuse this one.
    return {
      allowed: false,
      limit: limit.burst,
      remaining: 0,
      resetSeconds: lease.last?.resetSeconds ?? 0,
      retryAfterSeconds: 1,
      called,
    };
  }

  /**
   * Stops every call this isolate would still make, as if it died here: its unspent units are
   * never given back (tests and the simulation use it to show what a crash costs).
   */
  halt(): void {
    this.#halted = true;
  }

  /** Unspent units this isolate holds for `name` (tests and the simulation read it). */
  unspent(name: string): number {
    const lease = this.#keys.get(name);
    if (lease === undefined || this.#context.clock() >= lease.expiresAt) return 0;
    return lease.granted - lease.used;
  }

  #lease(name: string): KeyLease {
    let lease = this.#keys.get(name);
    if (lease === undefined) {
      if (this.#keys.size >= this.#context.maxKeys) this.#evict();
      lease = {
        id: this.#context.newId(),
        granted: 0,
        used: 0,
        expiresAt: 0,
        blockedUntil: 0,
        last: undefined,
        pending: undefined,
        demand: undefined,
        lastHold: 0,
        waiting: 0,
        notBefore: 0,
        notYet: 0,
        calls: 0,
      };
      this.#keys.set(name, lease);
    }
    return lease;
  }

  /** Forgets the keys not used for longest (their unspent units are simply not given back). */
  #evict(): void {
    const now = this.#context.clock();
    for (const [name, lease] of this.#keys) {
      if (
        lease.pending === undefined &&
        (now >= lease.expiresAt || this.#keys.size >= this.#context.maxKeys)
      ) {
        this.#keys.delete(name);
      }
      if (this.#keys.size < this.#context.maxKeys / 2) return;
    }
  }

  /**
   * One call to the object: report the units spent, ask for a lease sized to this isolate's demand
   * over one lease lifetime (at least one, at most `settings.requests`), give back the rest.
   */
  #call(
    namespace: DurableObjectNamespace<RateLimiterDO>,
    name: string,
    tenantId: string,
    limit: RateLimit,
    settings: Pick<LeaseSettings, 'requests' | 'requestTtlMs'>,
    lease: KeyLease,
  ): Promise<void> {
    const now = Math.floor(this.#context.clock());
    // A tenth of what this isolate would spend in one lease lifetime (LEASE_SHARE); never more
    // than a quarter of the burst, so a key with a small burst stays shared between isolates.
    const rate = lease.demand?.rate(now) ?? 0;
    const most = Math.max(1, Math.min(settings.requests, Math.floor(limit.burst / 4)));
    const wanted = Math.max(lease.waiting + 1, Math.ceil(rate * settings.requestTtlMs * LEASE_SHARE));
    const hold = Math.max(1, Math.min(most, wanted));
    lease.lastHold = hold;
    lease.calls++;
    const used = lease.used;
    const call = namespace
      .getByName(name)
      .lease({
        tenantId,
        rate: limit.rate,
        burst: limit.burst,
        leaseId: lease.id,
        used,
        hold,
        // Half a lease or nothing: a crowd of isolates taking one unit each would be exact mode
        // with extra steps.
        min: Math.max(1, Math.floor(hold / 2)),
        // At the bucket's limit, book this isolate's turn (up to a quarter lifetime ahead) rather
        // than be refused now and ask again then: one call per lease instead of two.
        wait: Math.floor(settings.requestTtlMs / 4),
        ...(this.#context.sendClock ? { now } : {}),
      })
      .then((result: RateLeaseResult) => {
        const at = this.#context.clock();
        // Units spent while the call was out are counted in `used` already; the object's answer
        // is about the lease as it was when the call left.
        lease.granted = used + result.units;
        const from = result.validFrom ?? 0;
        lease.notBefore = from;
        lease.notYet = from > at ? result.granted : 0;
        lease.expiresAt = Math.max(at, from) + settings.requestTtlMs;
        lease.blockedUntil = result.retryAt ?? 0;
        lease.last = result;
      })
      .finally(() => {
        lease.pending = undefined;
      });
    lease.pending = call;
    return call;
  }
}
