/**
 * How fast this isolate asks for something (requests, tokens), over the last one or two windows:
 * the size a lease should have. Two counters, the window before and the current one, so a lease
 * asked for moments after the last one is still sized to the recent rate rather than to the few
 * requests since (which made leases thrash: one call every few requests).
 */
export class DemandMeter {
  readonly #windowMs: number;
  #start: number;
  #current = 0;
  #previous = 0;
  /** Whether a whole window lies behind `#start` (else the rate is the current window's alone). */
  #warm = false;

  constructor(windowMs: number, now: number) {
    this.#windowMs = Math.max(1, windowMs);
    this.#start = now;
  }

  add(amount: number, now: number): void {
    this.#rotate(now);
    this.#current += amount;
  }

  /** Amount per millisecond over the previous window and the current one so far. */
  rate(now: number): number {
    this.#rotate(now);
    const elapsed = Math.max(0, now - this.#start);
    // A new meter has no window behind it: counting one would understate its first rate by up to
    // the whole window (the first leases of a busy isolate came out ten times too small).
    if (!this.#warm) return this.#current / Math.max(elapsed, this.#windowMs / 10);
    return (this.#previous + this.#current) / (this.#windowMs + elapsed);
  }

  #rotate(now: number): void {
    if (now - this.#start < this.#windowMs) return;
    if (now - this.#start >= 2 * this.#windowMs) {
      // Quiet for a whole window or more: nothing recent to go by.
      this.#previous = 0;
      this.#current = 0;
      this.#start = now;
      this.#warm = false;
      return;
    }
    this.#warm = true;
    this.#previous = this.#current;
    this.#current = 0;
    this.#start += this.#windowMs;
  }
}
