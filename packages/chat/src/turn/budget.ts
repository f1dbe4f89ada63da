import { estimateMessagesTokens, type ChatMessage } from '@aigw/ai';
import { budgetExceededError, budgetScopes, holdBudgets, type BudgetScope } from '@aigw/limits';
import { newId } from '@aigw/core';
import { costOf, type UsageRecord } from '@aigw/observability';
import type { EngineDeps } from '../deps.ts';
import type { Caller } from '../request.ts';

/** Budget held for one model call: reserved before it, settled (or released) exactly once after. */
export interface BudgetHold {
  /** Output tokens the reservation covers; an answer running past it is cut with budget_exceeded. */
  outputLimit: number;
  settle(usage: UsageRecord): Promise<void>;
  release(): Promise<void>;
}

/**
 * Reserves the call's worst case (estimated prompt + maximum output, priced at the first model)
 * in the tenant's and the key's budgets before any upstream call; refuses with 429
 * `budget_exceeded` when it does not fit. The Durable Objects serialize reservations, so
 * concurrent requests cannot overspend; a tenant in `leased` mode holds it in this isolate's
 * budget leases instead (docs/limits.md). Undefined when the tenant has no budget.
 */
export async function holdBudget(
  deps: Pick<EngineDeps, 'budgets' | 'leases' | 'keepAlive'>,
  caller: Caller,
  input: { messages: ChatMessage[]; maxTokens: number | undefined; modelId: string },
  /** Budgets beyond the tenant's and the key's: a route branch's (docs/routing.md). */
  extra: readonly BudgetScope[] = [],
): Promise<BudgetHold | undefined> {
  const { tenant } = caller;
  const keyId = caller.apiKey.id;
  const limits = tenant.limits.budgets;
  if (budgetScopes(limits, keyId).length === 0 && extra.length === 0) return undefined;

  const outputLimit = input.maxTokens ?? tenant.limits.reserveOutputTokens;
  const inputTokens = estimateMessagesTokens(input.messages);
  const request = {
    tenantId: tenant.id,
    keyId,
    // Each hold is its own: the request's chat call and each model call a tool makes reserve
    // separately, and no id a client sends can make two calls share one reservation.
    reservationId: newId('rsv'),
    tokens: inputTokens + outputLimit,
    usd: costOf(input.modelId, inputTokens, outputLimit).costUsd,
    // The hold must outlive the longest call, or a slow answer's reservation would lapse mid-way.
    ttlMs: Math.min(3_600_000, tenant.routing.totalTimeoutMs + 60_000),
  };
  const leased =
    tenant.limits.mode === 'leased' && deps.leases !== undefined
      ? {
          leases: deps.leases.budgets,
          settings: tenant.limits.lease,
          background: inBackground(deps),
        }
      : undefined;
  const decision = await holdBudgets(deps.budgets, request, limits, extra, leased);
  if (!decision.ok) throw budgetExceededError(decision);
  const { holding } = decision;

  return {
    outputLimit,
    settle: (usage) => holding.settle({ tokens: usage.inputTokens + usage.outputTokens, usd: usage.costUsd }),
    release: () => holding.release(),
  };
}

/**
 * Runs a budget write off the response path, keeping the request alive until it lands; a write
 * that fails is logged (the answer the client already has stands).
 */
export function settleLater(
  deps: Pick<EngineDeps, 'keepAlive' | 'log'>,
  requestId: string,
  write: () => Promise<void>,
): void {
  inBackground(deps)(
    write().catch((error: unknown) => {
      deps.log({ level: 'error', msg: 'budget not settled', requestId, error: String(error) });
    }),
  );
}

/** Work that outlives the response (a lease's top-up or report), kept alive until it ends. */
export function inBackground(deps: Pick<EngineDeps, 'keepAlive'>): (work: Promise<unknown>) => void {
  return (work) => {
    const done = deps.keepAlive();
    void work.finally(done);
  };
}
