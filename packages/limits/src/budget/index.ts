export { BudgetDO, RESERVATION_TTL_MS } from './budget-do.ts';
export {
  budgetExceededError,
  budgetObjectName,
  budgetScopes,
  budgetStub,
  releaseBudgets,
  reserveBudgets,
  routeBudgetScope,
  settleBudgets,
} from './budgets.ts';
export type { BudgetDecision, BudgetRequest, BudgetScope } from './budgets.ts';
export { releaseInputSchema, reserveInputSchema, settleInputSchema, usageInputSchema } from './schema.ts';
export type {
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
