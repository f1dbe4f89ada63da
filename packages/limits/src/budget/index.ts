export { BudgetDO, LEASE_FORGET_MS, RESERVATION_TTL_MS } from './budget-do.ts';
export {
  budgetExceededError,
  budgetObjectName,
  budgetScopes,
  budgetStub,
  holdBudgets,
  releaseBudgets,
  reserveBudgets,
  routeBudgetScope,
  settleBudgets,
} from './budgets.ts';
export type {
  BudgetDecision,
  BudgetHoldDecision,
  BudgetHolding,
  BudgetRequest,
  BudgetScope,
  LeasedBudgets,
} from './budgets.ts';
export {
  budgetLeaseInputSchema,
  releaseInputSchema,
  reserveInputSchema,
  settleInputSchema,
  usageInputSchema,
} from './schema.ts';
export type {
  BudgetAmount,
  BudgetLeaseInput,
  BudgetLeaseResult,
  BudgetLimitName,
  BudgetLine,
  BudgetUsage,
  ReleaseInput,
  ReserveInput,
  ReserveResult,
  SettleInput,
  UsageInput,
} from './schema.ts';
export { dayWindow, monthWindow } from './windows.ts';
export type { BudgetWindow } from './windows.ts';
