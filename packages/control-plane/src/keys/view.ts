import type { BudgetLimits } from '@aigw/limits/settings';
import type { AuthContext, TenantConfig } from '@aigw/tenancy';
import { tenantScopes, tighterRate } from './policy.ts';
import type { StoredKey } from './schema.ts';

function tighterBudget(a: BudgetLimits | undefined, b: BudgetLimits): BudgetLimits | undefined {
  const pick = (field: keyof BudgetLimits) => {
    const values = [a?.[field], b[field]].filter((v): v is number => v !== undefined);
    return values.length === 0 ? undefined : Math.min(...values);
  };
  const tokensPerDay = pick('tokensPerDay');
  const usdPerMonth = pick('usdPerMonth');
  if (tokensPerDay === undefined && usdPerMonth === undefined) return a;
  return {
    ...(tokensPerDay === undefined ? {} : { tokensPerDay }),
    ...(usdPerMonth === undefined ? {} : { usdPerMonth }),
  };
}

/**
 * The caller of a runtime key: the tenant's config as this key's requests see it, so every route
 * enforces the key's limits by reading the tenant exactly as for a config key.
 *
 * - `models.allowed` is the key's models (within the tenant's), the default chat model the
 *   tenant's when the key may use it (else the key's first), fallbacks only among the key's;
 * - `limits.rates.key` is the tighter of the tenant's per-key rate and the key's own requests rate
 *   (one `RateLimiterDO`, `tenant:key:<id>`, as for every key);
 * - `limits.budgets.keys[id]` is the tighter of the tenant's per-key budget and the key's own
 *   (one `BudgetDO`, `tenant:budget:<id>`), beside the tenant's budget as always;
 * - scopes are the key's, within what the tenant config still grants (a scope removed from the
 *   config by a deploy is gone from runtime keys too); with no model left, `chat` is dropped.
 *
 * Search and tools models stay the tenant's: a key narrows what requests may name and route to.
 */
export function effectiveCaller(tenant: TenantConfig, key: StoredKey, hash: string): AuthContext {
  const models =
    key.models === null ? tenant.models.allowed : key.models.filter((m) => tenant.models.allowed.includes(m));
  const granted = tenantScopes(tenant);
  const scopes = key.scopes.filter(
    (scope) => granted.includes(scope) && (scope !== 'chat' || models.length > 0),
  );
  const { rates, budgets } = tenant.limits;
  const keyBudget = tighterBudget(budgets.keys[key.id] ?? budgets.key, key.budget);
  const view: TenantConfig = {
    ...tenant,
    models: {
      ...tenant.models,
      allowed: models,
      chat: models.includes(tenant.models.chat) ? tenant.models.chat : (models[0] ?? tenant.models.chat),
      fallbacks: tenant.models.fallbacks.filter((m) => models.includes(m)),
    },
    limits: {
      ...tenant.limits,
      rates: { ...rates, key: tighterRate(rates.key, key.rates.requests) },
      budgets: {
        ...budgets,
        keys: keyBudget === undefined ? budgets.keys : { ...budgets.keys, [key.id]: keyBudget },
      },
    },
  };
  return {
    tenant: view,
    key: {
      id: key.id,
      hash,
      scopes,
      label: key.name,
      createdAt: new Date(key.createdAt).toISOString(),
      ...(key.expiresAt === null ? {} : { expiresAt: new Date(key.expiresAt).toISOString() }),
      disabled: key.revokedAt !== null,
      // Route conditions read it (`key.metadata.<name>`), as they read a config key's.
      metadata: key.metadata,
    },
    source: 'runtime',
    tokenRate: key.rates.tokens,
  };
}
