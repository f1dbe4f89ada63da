import { estimateMessagesTokens, type ChatMessage } from '@aigw/ai';
import {
  budgetExceededError,
  budgetScopes,
  releaseBudgets,
  reserveBudgets,
  settleBudgets,
  type BudgetDO,
  type BudgetScope,
} from '@aigw/limits';
import { newId } from '@aigw/core';
import { costOf, type UsageRecord } from '@aigw/observability';
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
 * concurrent requests cannot overspend. Undefined when the tenant has no budget.
 */
export async function holdBudget(
  budgets: DurableObjectNamespace<BudgetDO>,
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
  const decision = await reserveBudgets(budgets, request, limits, extra);
  if (!decision.ok) throw budgetExceededError(decision);

  return {
    outputLimit,
    settle: (usage) =>
      settleBudgets(
        budgets,
        { ...request, tokens: usage.inputTokens + usage.outputTokens, usd: usage.costUsd },
        decision.scopes,
      ),
    release: () => releaseBudgets(budgets, request, decision.scopes),
  };
}
