import { GatewayError } from '@aigw/core';
import type { BudgetLimits, LimitsSettings } from '@aigw/limits/settings';
import type { BudgetDO } from './budget-do.ts';
import type { ReserveResult } from './schema.ts';

/**
 * The budget of a route's limit node (docs/routing.md): an object of its own beside the key
 * objects. Key ids contain no ":", so `route:<route>:<node>` can never be a key's.
 */
export function routeBudgetScope(route: string, node: string, tokensPerDay: number): BudgetScope {
  return { keyId: `route:${route}:${node}`, limits: { tokensPerDay } };
}

/** The budget object of a tenant, or of one of its keys. */
export function budgetObjectName(tenantId: string, keyId?: string): string {
  if (tenantId.length === 0 || tenantId.includes(':')) {
    throw new GatewayError('internal', `Invalid tenant id for a budget object name: "${tenantId}"`);
  }
  return keyId === undefined ? `${tenantId}:budget` : `${tenantId}:budget:${keyId}`;
}

export function budgetStub(
  namespace: DurableObjectNamespace<BudgetDO>,
  tenantId: string,
  keyId?: string,
): DurableObjectStub<BudgetDO> {
  return namespace.getByName(budgetObjectName(tenantId, keyId));
}

export interface BudgetScope {
  keyId: string | undefined;
  limits: BudgetLimits;
}

const hasLimit = (limits: BudgetLimits | undefined): limits is BudgetLimits =>
  limits !== undefined && (limits.tokensPerDay !== undefined || limits.usdPerMonth !== undefined);

/** The budgets a request of `keyId` counts against: the tenant's and the key's, when set. */
export function budgetScopes(budgets: LimitsSettings['budgets'], keyId: string | undefined): BudgetScope[] {
  const scopes: BudgetScope[] = [];
  if (hasLimit(budgets.tenant)) scopes.push({ keyId: undefined, limits: budgets.tenant });
  const keyLimits = keyId === undefined ? undefined : (budgets.keys[keyId] ?? budgets.key);
  if (keyId !== undefined && hasLimit(keyLimits)) scopes.push({ keyId, limits: keyLimits });
  return scopes;
}

export interface BudgetRequest {
  tenantId: string;
  keyId?: string | undefined;
  /** The server-generated id of this one model call's hold (see `reserveInputSchema`). */
  reservationId: string;
  tokens: number;
  usd: number;
  /** How long an unsettled reservation holds the budget (default 10 minutes); cover the call's timeout. */
  ttlMs?: number;
  /** Test clock, ms since the epoch. */
  now?: number;
}

/** A refusal names the scope that refused (`keyId` undefined: the tenant's budget). */
export type BudgetDecision =
  | { ok: true; scopes: BudgetScope[] }
  | (Extract<ReserveResult, { ok: false }> & { keyId: string | undefined });

/**
 * Reserves in every scope (tenant, then key). If one refuses, reservations already made are
 * released, so a refused request holds nothing. Settle or release with the returned scopes.
 */
export async function reserveBudgets(
  namespace: DurableObjectNamespace<BudgetDO>,
  request: BudgetRequest,
  budgets: LimitsSettings['budgets'],
  /** Scopes beyond the tenant's and the key's (a route branch's budget, `routeBudgetScope`). */
  extra: readonly BudgetScope[] = [],
): Promise<BudgetDecision> {
  const scopes = [...budgetScopes(budgets, request.keyId), ...extra];
  const reserved: BudgetScope[] = [];
  for (const scope of scopes) {
    const result = await budgetStub(namespace, request.tenantId, scope.keyId).reserve({
      tenantId: request.tenantId,
      reservationId: request.reservationId,
      tokens: request.tokens,
      usd: request.usd,
      limits: scope.limits,
      ...(request.ttlMs === undefined ? {} : { ttlMs: request.ttlMs }),
      ...(request.now === undefined ? {} : { now: request.now }),
    });
    if (!result.ok) {
      await releaseBudgets(namespace, request, reserved);
      return { ...result, keyId: scope.keyId };
    }
    reserved.push(scope);
  }
  return { ok: true, scopes: reserved };
}

/** Books the real usage in every scope the request reserved in. */
export async function settleBudgets(
  namespace: DurableObjectNamespace<BudgetDO>,
  request: BudgetRequest,
  scopes: readonly BudgetScope[],
): Promise<void> {
  await Promise.all(
    scopes.map((scope) =>
      budgetStub(namespace, request.tenantId, scope.keyId).settle({
        tenantId: request.tenantId,
        reservationId: request.reservationId,
        tokens: request.tokens,
        usd: request.usd,
        ...(request.now === undefined ? {} : { now: request.now }),
      }),
    ),
  );
}

export async function releaseBudgets(
  namespace: DurableObjectNamespace<BudgetDO>,
  request: Pick<BudgetRequest, 'tenantId' | 'reservationId'>,
  scopes: readonly BudgetScope[],
): Promise<void> {
  await Promise.all(
    scopes.map((scope) =>
      budgetStub(namespace, request.tenantId, scope.keyId).release({
        tenantId: request.tenantId,
        reservationId: request.reservationId,
      }),
    ),
  );
}

/** The 429 for a refused reservation, with Retry-After set to the window's reset. */
export function budgetExceededError(refusal: Extract<BudgetDecision, { ok: false }>): GatewayError {
  const scope = refusal.keyId === undefined ? 'tenant' : `key "${refusal.keyId}"`;
  return new GatewayError(
    'budget_exceeded',
    `The ${scope} budget ${refusal.limit} (${refusal.max}) is used up.`,
    {
      headers: { 'retry-after': String(refusal.retryAfterSeconds) },
      details: {
        limit: refusal.limit,
        max: refusal.max,
        used: refusal.used,
        reserved: refusal.reserved,
        requested: refusal.requested,
      },
    },
  );
}
