/**
 * GCRA (generic cell rate algorithm), the token bucket written as one timestamp. With emission
 * interval T = 60 000 / rate ms and tolerance τ = burst · T, the state is the theoretical arrival
 * time TAT. A request of cost c at time t:
 *
 *   tat' = max(TAT, t) + c · T
 *   admitted  iff  tat' − t ≤ τ        (then TAT := tat')
 *   remaining = ⌊(τ − (tat' − t)) / T⌋ retry after = tat' − t − τ
 *
 * From idle, `burst` requests are admitted at once and one more every T afterwards. A forced
 * charge books tat' even when it is refused, so usage known only afterwards (tokens) becomes a
 * debt that keeps later requests out until it has drained. See docs/limits.md.
 */
export interface GcraInput {
  /** Sustained requests per minute. */
  rate: number;
  /** Requests admitted at once from idle. */
  burst: number;
  /** Units this request consumes; default 1. */
  cost?: number | undefined;
  /**
   * Book the cost even past the tolerance (a debt that refusals then drain): for usage learnt only
   * after the fact, such as the tokens an answer used. `allowed` still says whether it fitted.
   */
  force?: boolean | undefined;
}

export interface GcraDecision {
  allowed: boolean;
  /** The TAT to store (unchanged when refused). */
  tat: number;
  limit: number;
  remaining: number;
  /** Seconds until the bucket is full again (RateLimit-Reset). */
  resetSeconds: number;
  /** Seconds until this request would be admitted; 0 when admitted (Retry-After). */
  retryAfterSeconds: number;
}

// TAT accumulates non-integer intervals (60 000 / 7 …); without a tolerance the last request of a
// burst could be refused by a rounding error.
const EPSILON_MS = 1e-6;

/** Whole units a bucket whose TAT is `tat` still admits at `now` (interval T, tolerance τ). */
export function unitsLeft(tat: number, now: number, interval: number, tolerance: number): number {
  return Math.max(0, Math.floor((tolerance - (tat - now)) / interval + EPSILON_MS));
}

export function gcra(tat: number | undefined, now: number, input: GcraInput): GcraDecision {
  const interval = 60_000 / input.rate;
  const tolerance = input.burst * interval;
  const cost = input.cost ?? 1;
  const base = Math.max(tat ?? now, now);
  const next = base + cost * interval;
  const remainingAt = (until: number) => unitsLeft(until, now, interval, tolerance);

  if (next - now <= tolerance + EPSILON_MS) {
    return {
      allowed: true,
      tat: next,
      limit: input.burst,
      remaining: remainingAt(next),
      resetSeconds: Math.ceil((next - now) / 1000),
      retryAfterSeconds: 0,
    };
  }
  return {
    allowed: false,
    tat: input.force === true ? next : base,
    limit: input.burst,
    remaining: remainingAt(base),
    resetSeconds: Math.ceil((base - now) / 1000),
    retryAfterSeconds: Math.max(1, Math.ceil((next - now - tolerance) / 1000)),
  };
}
