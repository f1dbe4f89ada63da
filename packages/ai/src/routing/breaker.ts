export interface BreakerSettings {
  /** Consecutive failures that open the circuit. */
  threshold: number;
  /** How long an open circuit refuses calls before letting one trial through. */
  cooldownMs: number;
}

type BreakerState =
  | { kind: 'closed'; failures: number }
  | { kind: 'open'; until: number }
  | { kind: 'half-open'; trialInFlight: boolean };

/**
 * Per-target circuit breakers. State lives in the isolate: each Worker isolate learns separately,
 * which is what lets a dead target be skipped without a round trip to shared storage on the hot
 * path. A half-open circuit lets exactly one trial call through.
 */
export class CircuitBreakers {
  private readonly states = new Map<string, BreakerState>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Whether a call may go to `key` now; moves an expired open circuit to half-open. */
  tryAcquire(key: string): boolean {
    const state = this.states.get(key);
    if (state === undefined || state.kind === 'closed') return true;
    if (state.kind === 'open') {
      if (this.now() < state.until) return false;
      this.states.set(key, { kind: 'half-open', trialInFlight: true });
      return true;
    }
    if (state.trialInFlight) return false;
    state.trialInFlight = true;
    return true;
  }

  success(key: string): void {
    this.states.set(key, { kind: 'closed', failures: 0 });
  }

  failure(key: string, settings: BreakerSettings): void {
    const state = this.states.get(key);
    // A failed half-open trial (or a failure while open) re-opens the circuit at once.
    const failures =
      state === undefined ? 1 : state.kind === 'closed' ? state.failures + 1 : settings.threshold;
    this.states.set(
      key,
      failures >= settings.threshold
        ? { kind: 'open', until: this.now() + settings.cooldownMs }
        : { kind: 'closed', failures },
    );
  }

  /** A call that ended without telling us about the target's health (e.g. the client left). */
  release(key: string): void {
    const state = this.states.get(key);
    if (state?.kind === 'half-open') state.trialInFlight = false;
  }

  stateOf(key: string): 'closed' | 'open' | 'half-open' {
    const state = this.states.get(key);
    if (state?.kind === 'open' && this.now() >= state.until) return 'half-open';
    return state?.kind ?? 'closed';
  }
}
