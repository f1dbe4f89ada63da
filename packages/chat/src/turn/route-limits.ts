import type { RouteLimits } from '@aigw/ai';
import { budgetObjectName, budgetStub, routeBudgetScope, routeLimiterName } from '@aigw/limits';
import type { TenantConfig } from '@aigw/tenancy';
import type { EngineDeps } from '../deps.ts';
import { inBackground } from './budget.ts';

/**
 * A route's limit nodes against the tenant's own limiter and budget objects (one object per node,
 * no second implementation). A limiter that fails counts as spent: the request falls through to
 * the node's fallback rather than past a limit nobody could check. In `leased` mode the node's
 * rate is admitted from this isolate's lease, and a budget lease with room left answers "has
 * tokens" without a call (docs/limits.md).
 */
export function routeLimits(
  deps: Pick<EngineDeps, 'limiters' | 'budgets' | 'leases' | 'keepAlive'>,
  tenant: Pick<TenantConfig, 'id' | 'limits'>,
): RouteLimits {
  const tenantId = tenant.id;
  const leases = tenant.limits.mode === 'leased' ? deps.leases : undefined;
  return {
    admit: async (route, node, rate) => {
      try {
        const name = routeLimiterName(tenantId, route, node);
        if (leases !== undefined) {
          const admission = await leases.rates.admit(
            deps.limiters,
            name,
            tenantId,
            rate,
            tenant.limits.lease,
            inBackground(deps),
          );
          return admission.allowed;
        }
        return (await deps.limiters.getByName(name).check({ tenantId, rate: rate.rate, burst: rate.burst }))
          .allowed;
      } catch {
        return false;
      }
    },
    hasTokens: async (route, node, tokensPerDay) => {
      const scope = routeBudgetScope(route, node, tokensPerDay);
      if (leases !== undefined && leases.budgets.free(budgetObjectName(tenantId, scope.keyId)).tokens > 0) {
        return true;
      }
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
