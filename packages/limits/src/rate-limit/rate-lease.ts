import { unitsLeft } from './gcra.ts';

/**
 * A request lease on a GCRA bucket (docs/limits.md, "Leased mode"; ADR 0011): an isolate holds a
 * number of unspent units it may admit on its own. Units are charged to the bucket when they are
 * granted (TAT moves forward as if that many requests had been admitted then) and credited back
 * when the isolate gives them up, so the bucket, not the isolate, decides how many exist:
 *
 *   T = 60 000 / rate, τ = burst · T, base = max(TAT, t)
 *   give back u units:  base := max(t, base − u · T)
 *   available           = ⌊(τ − (base − t)) / T⌋
 *   grant g ≤ available: base := base + g · T          (TAT := base)
 *
 * Over any interval [a, b] the requests admitted from leases are at most burst + (b − a) / T plus
 * the units that were already unspent in leases at a; over the long run, no more than the bucket
 * allows (crediting back is clamped at t, which can only lose allowance, never add any).
 */
export interface RateLeaseInput {
  rate: number;
  burst: number;
  /** Unspent units the lease holds before this call (as the object knows them). */
  unspent: number;
  /** Unspent units the isolate wants to hold after this call. */
  hold: number;
  /**
   * Least number of units worth granting: when fewer are available, nothing is granted and the
   * isolate is told when that many will be (a lease of one unit per call would be exact mode with
   * extra steps).
   */
  min: number;
  /**
   * When fewer than `min` units are available now, grant the whole want anyway if it becomes
   * spendable within this many ms: the units are charged now and may be spent from `validFrom`
   * (when admitting them all conforms to the bucket). One call books the isolate's turn instead
   * of a refusal now and a second call at its turn. 0: refuse instead.
   */
  wait?: number;
}

export interface RateLeaseDecision {
  /** The TAT to store. */
  tat: number;
  /** Unspent units the lease holds now. */
  units: number;
  /** Units granted by this call (0 when refused or when only giving back). */
  granted: number;
  limit: number;
  /** Units the bucket still has beyond every lease, after this call. */
  remaining: number;
  resetSeconds: number;
  /** The isolate got nothing it asked for: when `min` units will be available. */
  refusedUntil: number | null;
  /** The units granted by this call may be spent only from then (a booked turn); null: now. */
  validFrom: number | null;
}

export function rateLease(tat: number | undefined, now: number, input: RateLeaseInput): RateLeaseDecision {
  const interval = 60_000 / input.rate;
  const tolerance = input.burst * interval;
  let base = Math.max(tat ?? now, now);
  let units = input.unspent;
  if (input.hold < units) {
    base = Math.max(now, base - (units - input.hold) * interval);
    units = input.hold;
  }
  const available = unitsLeft(base, now, interval, tolerance);
  const want = input.hold - units;
  let granted = Math.min(want, available);
  let validFrom: number | null = null;
  if (want > 0 && granted < Math.min(input.min, want)) {
    granted = 0;
    // All `want` units conform once base + want · T − τ has passed.
    const from = Math.max(now, base + want * interval - tolerance);
    if ((input.wait ?? 0) > 0 && from - now <= (input.wait ?? 0)) {
      granted = want;
      validFrom = Math.ceil(from);
    }
  }
  base += granted * interval;
  units += granted;
  // Nothing granted is a refusal even to a lease with units left: it spends them, then waits for
  // its turn instead of asking again (at a bucket's limit, a failed top-up per lease doubled the calls).
  const refused = want > 0 && granted === 0;
  const needed = Math.max(1, Math.min(input.min, want));
  return {
    tat: base,
    units,
    granted,
    limit: input.burst,
    remaining: unitsLeft(base, now, interval, tolerance),
    resetSeconds: Math.ceil((base - now) / 1000),
    // The bucket holds `needed` units again once base + needed · T − τ has passed.
    refusedUntil: refused ? Math.max(now + 1, base + needed * interval - tolerance) : null,
    validFrom,
  };
}
