/** What an isolate's leases need from their surroundings; tests and the simulation supply their own. */
export interface LeaseContext {
  /** ms since the epoch. */
  clock: () => number;
  /** Waits `ms` by `clock` (the time between a budget lease's reports). */
  sleep: (ms: number) => Promise<void>;
  /** A new lease id: server-made, unique per isolate and object. */
  newId: () => string;
  /** A background failure (a top-up or a report that did not reach its object). */
  log: (message: string, object: string, error: unknown) => void;
  /** Limited keys (and budgets) remembered at most; past it the idlest are forgotten. */
  maxKeys: number;
  /**
   * Send `clock` to the objects as their `now` (tests and the simulation drive one clock for the
   * isolates and the objects); in production each object keeps its own clock.
   */
  sendClock: boolean;
}

export const DEFAULT_MAX_LEASED_KEYS = 10_000;

export function defaultLeaseContext(overrides: Partial<LeaseContext> = {}): LeaseContext {
  return {
    clock: () => Date.now(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    newId: () => `lse_${crypto.randomUUID().replaceAll('-', '')}`,
    log: (message, object, error) => {
      console.warn(
        JSON.stringify({
          level: 'warn',
          msg: message,
          object,
          error: error instanceof Error ? error.message : String(error),
        }),
      );
    },
    maxKeys: DEFAULT_MAX_LEASED_KEYS,
    sendClock: false,
    ...overrides,
  };
}
