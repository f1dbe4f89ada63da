import { GatewayError, invalidRequestFrom, type ValidationIssue } from '@aigw/core';
import type { RateLimit } from '@aigw/limits/settings';
import type { AuthContext, Scope, TenantConfig } from '@aigw/tenancy';
import type { CreateKeyInput, KeyBudget, KeyRates, UpdateKeyInput } from './schema.ts';

/**
 * What a runtime key may be given. Two ceilings apply: the tenant's (its reviewed config: the
 * scopes its config keys hold, its allowed models, its rate and budget limits) and the caller's
 * own (a key cannot grant more than it holds). A request past the tenant's is bad input (400); a
 * scope the caller lacks is a permission it does not have (403 `insufficient_scope`).
 */

/**
 * Who is changing keys: the operator (any tenant, up to its config), or one of the tenant's keys,
 * as its request resolved it (for a runtime key, a tenant view already narrowed by its limits).
 */
export type Grantor = { kind: 'operator' } | { kind: 'key'; caller: AuthContext };

export const OPERATOR = 'operator';

export function grantorId(grantor: Grantor): string {
  return grantor.kind === 'operator' ? OPERATOR : grantor.caller.key.id;
}

export interface KeyCeiling {
  scopes: readonly Scope[];
  models: readonly string[];
  requests: RateLimit | undefined;
  tokensPerDay: number | undefined;
  usdPerMonth: number | undefined;
}

/** The scopes a tenant's reviewed config grants: those its config keys hold. */
export function tenantScopes(tenant: TenantConfig): Scope[] {
  return [...new Set(tenant.apiKeys.flatMap((key) => key.scopes))];
}

const lowest = (...values: (number | undefined)[]): number | undefined => {
  const set = values.filter((v): v is number => v !== undefined);
  return set.length === 0 ? undefined : Math.min(...set);
};

export function tighterRate(a: RateLimit | undefined, b: RateLimit | undefined): RateLimit | undefined {
  if (a === undefined || b === undefined) return a ?? b;
  return { rate: Math.min(a.rate, b.rate), burst: Math.min(a.burst, b.burst) };
}

/** The limits `tenant` (a config, or a caller's narrowed view of it) puts on one key of `keyId`. */
function ceilingOf(tenant: TenantConfig, scopes: readonly Scope[], keyId: string | undefined): KeyCeiling {
  const { rates, budgets } = tenant.limits;
  const keyBudget = (keyId === undefined ? undefined : budgets.keys[keyId]) ?? budgets.key;
  return {
    scopes,
    models: tenant.models.allowed,
    requests: tighterRate(rates.key, rates.tenant),
    tokensPerDay: lowest(budgets.tenant?.tokensPerDay, keyBudget?.tokensPerDay),
    usdPerMonth: lowest(budgets.tenant?.usdPerMonth, keyBudget?.usdPerMonth),
  };
}

export function tenantCeiling(tenant: TenantConfig): KeyCeiling {
  return ceilingOf(tenant, tenantScopes(tenant), undefined);
}

export function grantorCeiling(tenant: TenantConfig, grantor: Grantor): KeyCeiling {
  if (grantor.kind === 'operator') return tenantCeiling(tenant);
  const { tenant: view, key } = grantor.caller;
  return ceilingOf(view, key.scopes, key.id);
}

/**
 * What a key made by a tenant key gets when the request leaves a field out: the caller's own
 * narrower models, its runtime limits and its budget, so leaving a field out never grants more.
 */
function inherited(tenant: TenantConfig, grantor: Grantor): Pick<KeyFields, 'models' | 'rates' | 'budget'> {
  if (grantor.kind === 'operator') return { models: null, rates: {}, budget: {} };
  const { tenant: view, key, source, tokenRate } = grantor.caller;
  const narrower = view.models.allowed.length < tenant.models.allowed.length;
  const requests =
    source === 'runtime' ? tighterRate(view.limits.rates.key, view.limits.rates.tenant) : undefined;
  return {
    models: narrower ? [...view.models.allowed] : null,
    rates: { ...(requests ? { requests } : {}), ...(tokenRate ? { tokens: tokenRate } : {}) },
    budget: view.limits.budgets.keys[key.id] ?? {},
  };
}

/** The normalised fields a create or update stores. */
export interface KeyFields {
  name: string;
  scopes: Scope[];
  models: string[] | null;
  rates: KeyRates;
  budget: KeyBudget;
  expiresAt: number | null;
  metadata: Record<string, string>;
}

class Issues {
  readonly list: ValidationIssue[] = [];
  add(path: (string | number)[], code: string, message: string, extra: Partial<ValidationIssue> = {}): void {
    this.list.push({ path, code, message, ...extra });
  }
}

function checkRate(
  issues: Issues,
  path: string[],
  value: RateLimit | undefined,
  ceiling: RateLimit | undefined,
) {
  if (value === undefined || ceiling === undefined) return;
  for (const field of ['rate', 'burst'] as const) {
    if (value[field] > ceiling[field]) {
      issues.add(
        [...path, field],
        'above_ceiling',
        `${[...path, field].join('.')}: ${value[field]} is above the ceiling of ${ceiling[field]}`,
        {
          maximum: ceiling[field],
          received: value[field],
        },
      );
    }
  }
}

function checkLimits(issues: Issues, fields: Partial<KeyFields>, ceiling: KeyCeiling): void {
  checkRate(issues, ['rates', 'requests'], fields.rates?.requests, ceiling.requests);
  // The tenant config has no tokens per minute; its daily token budget bounds one.
  const perDay = ceiling.tokensPerDay;
  checkRate(
    issues,
    ['rates', 'tokens'],
    fields.rates?.tokens,
    perDay === undefined ? undefined : { rate: perDay, burst: perDay },
  );
  for (const field of ['tokensPerDay', 'usdPerMonth'] as const) {
    const value = fields.budget?.[field];
    const max = ceiling[field];
    if (value !== undefined && max !== undefined && value > max) {
      issues.add(
        ['budget', field],
        'above_ceiling',
        `budget.${field}: ${value} is above the ceiling of ${max}`,
        {
          maximum: max,
          received: value,
        },
      );
    }
  }
}

/**
 * Checks fields against the tenant's ceiling (400, every issue named by its path) and then the
 * grantor's (403 for scopes it lacks, 400 for models or limits past its own).
 */
function checkFields(fields: Partial<KeyFields>, tenant: KeyCeiling, grantor: KeyCeiling, now: number): void {
  const issues = new Issues();
  fields.scopes?.forEach((scope, index) => {
    if (!tenant.scopes.includes(scope)) {
      issues.add(
        ['scopes', index],
        'scope_not_granted',
        `scopes[${index}]: "${scope}" is not a scope this tenant's config grants (${tenant.scopes.join(', ')})`,
      );
    }
  });
  fields.models?.forEach((model, index) => {
    if (!tenant.models.includes(model)) {
      issues.add(
        ['models', index],
        'model_not_allowed',
        `models[${index}]: "${model}" is not in the tenant's models.allowed`,
      );
    } else if (!grantor.models.includes(model)) {
      issues.add(
        ['models', index],
        'model_not_allowed',
        `models[${index}]: "${model}" is not a model the calling key may use`,
      );
    }
  });
  if (fields.models === null && grantor.models.length < tenant.models.length) {
    issues.add(
      ['models'],
      'model_not_allowed',
      'models: the calling key may not grant every model of the tenant',
    );
  }
  checkLimits(issues, fields, tenant);
  if (issues.list.length === 0) checkLimits(issues, fields, grantor);
  if (fields.expiresAt !== undefined && fields.expiresAt !== null && fields.expiresAt <= now) {
    issues.add(
      ['expiresAt'],
      'in_the_past',
      `expiresAt: ${new Date(fields.expiresAt).toISOString()} is not in the future`,
    );
  }
  if (issues.list.length > 0) throw invalidRequestFrom(issues.list);

  const missing = (fields.scopes ?? []).filter((scope) => !grantor.scopes.includes(scope));
  if (missing.length > 0) {
    throw new GatewayError(
      'insufficient_scope',
      `A key cannot grant scopes it does not hold: ${missing.join(', ')}.`,
      {
        details: { path: ['scopes'], required: missing, granted: grantor.scopes },
      },
    );
  }
}

const parseTime = (value: string | null | undefined): number | null | undefined =>
  value === undefined || value === null ? value : Date.parse(value);

/** A create request, checked and normalised; a tenant key's own limits are the defaults. */
export function checkCreate(
  input: CreateKeyInput,
  tenant: TenantConfig,
  grantor: Grantor,
  now: number,
): KeyFields {
  const own = inherited(tenant, grantor);
  const fields: KeyFields = {
    name: input.name,
    scopes: [...new Set(input.scopes)],
    models: input.models ? [...new Set(input.models)] : own.models,
    rates: { ...own.rates, ...(input.rates ?? {}) },
    budget: { ...own.budget, ...(input.budget ?? {}) },
    expiresAt: parseTime(input.expiresAt) ?? null,
    metadata: input.metadata ?? {},
  };
  checkFields(fields, tenantCeiling(tenant), grantorCeiling(tenant, grantor), now);
  return fields;
}

/** An update, checked against the same ceilings; only the fields it names change. */
export function checkUpdate(
  input: UpdateKeyInput,
  tenant: TenantConfig,
  grantor: Grantor,
  now: number,
): Partial<KeyFields> {
  const fields: Partial<KeyFields> = {
    ...(input.name === undefined ? {} : { name: input.name }),
    ...(input.scopes === undefined ? {} : { scopes: [...new Set(input.scopes)] }),
    ...(input.models === undefined
      ? {}
      : { models: input.models === null ? null : [...new Set(input.models)] }),
    ...(input.rates === undefined ? {} : { rates: input.rates ?? {} }),
    ...(input.budget === undefined ? {} : { budget: input.budget ?? {} }),
    ...(input.expiresAt === undefined ? {} : { expiresAt: parseTime(input.expiresAt) ?? null }),
    ...(input.metadata === undefined ? {} : { metadata: input.metadata }),
  };
  checkFields(fields, tenantCeiling(tenant), grantorCeiling(tenant, grantor), now);
  return fields;
}
