/** Budget windows are UTC calendar periods: a day for tokens, a month for spend. */
export interface BudgetWindow {
  /** `YYYY-MM-DD` or `YYYY-MM`. */
  id: string;
  /** Start of the next window, ms since the epoch. */
  resetsAt: number;
}

export function dayWindow(now: number): BudgetWindow {
  const date = new Date(now);
  return {
    id: date.toISOString().slice(0, 10),
    resetsAt: Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate() + 1),
  };
}

export function monthWindow(now: number): BudgetWindow {
  const date = new Date(now);
  return {
    id: date.toISOString().slice(0, 7),
    resetsAt: Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1),
  };
}
