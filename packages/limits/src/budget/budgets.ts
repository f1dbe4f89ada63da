import { GatewayError } from '@aigw/core';
import type { BudgetLimits, LeaseSettings, LimitsSettings } from '@aigw/limits/settings';
import type { BudgetLeases, LocalBudgetHold } from '../lease/budget-leases.ts';
import type { BudgetDO } from './budget-do.ts';
import { toMicros, type ReserveResult } from './schema.ts';

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
 * Reserves in every scope (the tenant's, the key's, a route branch's) at once: the objects are
 * independent, so one round trip instead of one per scope. If one refuses, the reservations the
 * others made are released before this returns, so a refused request holds nothing; the refusal
 * reported is the first refusing scope in that order. Settle or release with the returned scopes.
 */
export async function reserveBudgets(
  namespace: DurableObjectNamespace<BudgetDO>,
  request: BudgetRequest,
  budgets: LimitsSettings['budgets'],
  /** Scopes beyond the tenant's and the key's (a route branch's budget, `routeBudgetScope`). */
  extra: readonly BudgetScope[] = [],
): Promise<BudgetDecision> {
  const scopes = [...budgetScopes(budgets, request.keyId), ...extra];
  const results = await Promise.allSettled(
    scopes.map((scope) =>
      budgetStub(namespace, request.tenantId, scope.keyId).reserve({
        tenantId: request.tenantId,
        reservationId: request.reservationId,
        tokens: request.tokens,
        usd: request.usd,
        limits: scope.limits,
        ...(request.ttlMs === undefined ? {} : { ttlMs: request.ttlMs }),
        ...(request.now === undefined ? {} : { now: request.now }),
      }),
    ),
  );
  const reserved = scopes.filter((_, i) => {
    const result = results[i];
    return result?.status === 'fulfilled' && result.value.ok;
  });
  const failure = results.find((result) => result.status === 'rejected');
  const refusedAt = results.findIndex((result) => result.status === 'fulfilled' && !result.value.ok);
  if (failure === undefined && refusedAt === -1) return { ok: true, scopes: reserved };
  await releaseBudgets(namespace, request, reserved).catch(() => undefined);
  if (failure !== undefined) throw failure.reason;
  const refused = results[refusedAt];
  if (refused?.status !== 'fulfilled' || refused.value.ok)
    throw new Error('unreachable: a refusal was found');
  return { ...refused.value, keyId: scopes[refusedAt]?.keyId };
}

/** A request's budget hold in every scope, exact or leased: settle or release it exactly once. */
export interface BudgetHolding {
  /** Books the real usage in every scope (leased scopes locally, reported within `reportMs`). */
  settle(usage: { tokens: number; usd: number }): Promise<void>;
  /** Gives every hold back, books nothing. */
  release(): Promise<void>;
}

export type BudgetHoldDecision =
  | { ok: true; holding: BudgetHolding }
  | (Extract<ReserveResult, { ok: false }> & { keyId: string | undefined });

/** This isolate's budget leases, for a tenant in `leased` mode. */
export interface LeasedBudgets {
  leases: BudgetLeases;
  settings: LeaseSettings;
  /** Keeps a report alive after the response (waitUntil). */
  background: (work: Promise<unknown>) => void;
}

/**
 * Holds a request's worst case in every scope: exactly (`reserveBudgets`, one parallel round
 * trip), or with `leased`, from this isolate's lease on each scope's object (no call while the
 * lease has room; docs/limits.md, "Leased mode"). A worst case too big for one lease beside what
 * is in flight is reserved exactly in that scope. If any scope refuses, the holds taken in the
 * others are given back and the refusal of the first refusing scope is returned.
 */
export async function holdBudgets(
  namespace: DurableObjectNamespace<BudgetDO>,
  request: BudgetRequest,
  budgets: LimitsSettings['budgets'],
  extra: readonly BudgetScope[] = [],
  leased?: LeasedBudgets,
): Promise<BudgetHoldDecision> {
  if (leased === undefined) {
    const decision = await reserveBudgets(namespace, request, budgets, extra);
    if (!decision.ok) return decision;
    return {
      ok: true,
      holding: {
        settle: (usage) => settleBudgets(namespace, { ...request, ...usage }, decision.scopes),
        release: () => releaseBudgets(namespace, request, decision.scopes),
      },
    };
  }
  const scopes = [...budgetScopes(budgets, request.keyId), ...extra];
  const need = { tokens: request.tokens, usdMicros: toMicros(request.usd) };
  type Held = { scope: BudgetScope; local: LocalBudgetHold } | { scope: BudgetScope; exact: true };
  const outcomes = await Promise.allSettled(
    scopes.map(async (scope): Promise<Held | (BudgetDecision & { ok: false })> => {
      const outcome = await leased.leases.hold(
        namespace,
        budgetObjectName(request.tenantId, scope.keyId),
        request.tenantId,
        scope.limits,
        need,
        leased.settings,
        leased.background,
      );
      if (outcome.ok === true) return { scope, local: outcome.hold };
      if (outcome.ok === false) return { ...outcome.refusal, keyId: scope.keyId };
      const exact = await reserveBudgets(namespace, request, { keys: {} }, [scope]);
      return exact.ok ? { scope, exact: true } : exact;
    }),
  );
  const held: Held[] = [];
  for (const outcome of outcomes) {
    if (outcome.status === 'fulfilled' && 'scope' in outcome.value) held.push(outcome.value);
  }
  const exactScopes = held.flatMap((h) => ('exact' in h ? [h.scope] : []));
  const giveBack = async () => {
    for (const h of held) if ('local' in h) h.local.release();
    await releaseBudgets(namespace, request, exactScopes);
  };
  const failure = outcomes.find((outcome) => outcome.status === 'rejected');
  const refusal = outcomes.find(
    (outcome): outcome is PromiseFulfilledResult<BudgetDecision & { ok: false }> =>
      outcome.status === 'fulfilled' && !('scope' in outcome.value),
  );
  if (failure !== undefined || refusal !== undefined) {
    await giveBack().catch(() => undefined);
    if (failure !== undefined) throw failure.reason;
    if (refusal !== undefined) return refusal.value;
  }
  return {
    ok: true,
    holding: {
      settle: async (usage) => {
        const used = { tokens: usage.tokens, usdMicros: toMicros(usage.usd) };
        for (const h of held) if ('local' in h) h.local.settle(used);
        await settleBudgets(namespace, { ...request, ...usage }, exactScopes);
      },
      release: giveBack,
    },
  };
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
