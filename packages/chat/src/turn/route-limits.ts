import type { RouteLimits } from '@aigw/ai';
import { budgetStub, routeBudgetScope, routeLimiterName } from '@aigw/limits';
import type { EngineDeps } from '../deps.ts';

/**
 * A route's limit nodes against the tenant's own limiter and budget objects (one object per node,
 * no second implementation). A limiter that fails counts as spent: the request falls through to
 * the node's fallback rather than past a limit nobody could check.
 */
export function routeLimits(deps: Pick<EngineDeps, 'limiters' | 'budgets'>, tenantId: string): RouteLimits {
  return {
    admit: async (route, node, rate) => {
      try {
        const stub = deps.limiters.getByName(routeLimiterName(tenantId, route, node));
        return (await stub.check({ tenantId, rate: rate.rate, burst: rate.burst })).allowed;
      } catch {
        return false;
      }
    },
    hasTokens: async (route, node, tokensPerDay) => {
      const scope = routeBudgetScope(route, node, tokensPerDay);
      try {
        const usage = await budgetStub(deps.budgets, tenantId, scope.keyId).usage({
          tenantId,
          limits: scope.limits,
        });
        return (usage.tokensPerDay.remaining ?? 1) > 0;
      } catch {
        return false;
      }
    },
  };
}
