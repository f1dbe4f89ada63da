import { BudgetLeases } from './budget-leases.ts';
import { defaultLeaseContext, type LeaseContext } from './context.ts';
import { RateLeases } from './rate-leases.ts';

export { BudgetLeases } from './budget-leases.ts';
export type {
  BudgetLeaseOutcome,
  BudgetLeaseSettings,
  BudgetRefusal,
  LocalBudgetHold,
} from './budget-leases.ts';
export { DEFAULT_MAX_LEASED_KEYS, defaultLeaseContext } from './context.ts';
export type { LeaseContext } from './context.ts';
export { RateLeases } from './rate-leases.ts';
export type { LeaseAdmission } from './rate-leases.ts';

/**
 * Everything one isolate holds in leased mode: request leases per limited key and budget leases
 * per budget object. Make one per isolate (the gateway makes one per app, like its circuit
 * breakers); a second instance is a second isolate as far as the objects can tell.
 */
export class IsolateLeases {
  readonly rates: RateLeases;
  readonly budgets: BudgetLeases;

  constructor(context: Partial<LeaseContext> = {}) {
    const full = defaultLeaseContext(context);
    this.rates = new RateLeases(full);
    this.budgets = new BudgetLeases(full);
  }

  /** As if this isolate died now: no further call, nothing given back or reported. */
  halt(): void {
    this.rates.halt();
    this.budgets.halt();
  }
}
