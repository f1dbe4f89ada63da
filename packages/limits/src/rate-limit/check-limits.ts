import { GatewayError } from '@aigw/core';
import { RATE_DIMENSIONS, type LimitsSettings, type RateDimension } from '@aigw/limits/settings';
import { rateLimiterName, type LimiterDimension } from './naming.ts';
import type { RateLimitResult, RateLimiterDO } from './rate-limiter-do.ts';
import type { RateLeases } from '../lease/rate-leases.ts';

export interface LimitSubject {
  tenantId: string;
  /** The API key id; its dimension is skipped when absent. */
  keyId?: string | undefined;
  /** The client IP (`CF-Connecting-IP`); its dimension is skipped when absent. */
  ip?: string | undefined;
}

export interface CheckLimitsOptions {
  cost?: number;
  /** Test clock, ms since the epoch. */
  now?: number;
  /**
   * This isolate's request leases: with them, a tenant in `leased` mode is admitted from leases
   * (docs/limits.md, "Leased mode"); without them, or in `exact` mode, every dimension asks its
   * object. `background` keeps a lease's top-up alive after the response (waitUntil).
   */
  leases?: { rates: RateLeases; background: (work: Promise<unknown>) => void } | undefined;
}

/** The most restrictive result over the checked dimensions. */
export interface LimitDecision extends RateLimitResult {
  /** The dimension the figures come from; null when no dimension is limited (send no headers). */
  dimension: LimiterDimension | null;
  /** A limiter call failed and `onLimiterError: 'open'` admitted the request anyway. */
  limiterError: boolean;
}

const UNLIMITED: LimitDecision = {
  allowed: true,
  limit: 0,
  remaining: 0,
  resetSeconds: 0,
  retryAfterSeconds: 0,
  dimension: null,
  limiterError: false,
};

/** A refusal beats an admission; among refusals the longest wait, among admissions the fewest left. */
function moreRestrictive(a: LimitDecision, b: LimitDecision): LimitDecision {
  if (a.allowed !== b.allowed) return a.allowed ? b : a;
  if (!a.allowed) return b.retryAfterSeconds > a.retryAfterSeconds ? b : a;
  if (b.remaining !== a.remaining) return b.remaining < a.remaining ? b : a;
  return b.resetSeconds > a.resetSeconds ? b : a;
}

/**
 * Checks the tenant, key and IP limits (each in its own object, in parallel) and returns the most
 * restrictive result. Every configured dimension is charged even when another refuses: the
 * objects are independent and a refund would be a second round trip on the hot path. In `leased`
 * mode, with this isolate's leases given, each dimension is admitted from its lease instead and
 * asks its object only when the lease runs low or out; there a refused request's units go back to
 * the leases of the dimensions that admitted it (a local refund costs nothing).
 *
 * If a limiter call fails, `settings.onLimiterError` decides: `closed` throws `rate_limited`
 * (Retry-After 1); `open` skips that dimension and sets `limiterError` so the caller can log it.
 */
export async function checkLimits(
  namespace: DurableObjectNamespace<RateLimiterDO>,
  subject: LimitSubject,
  settings: Pick<LimitsSettings, 'rates' | 'onLimiterError'> &
    Partial<Pick<LimitsSettings, 'mode' | 'lease'>>,
  options: CheckLimitsOptions = {},
): Promise<LimitDecision> {
  const { leases, ...check } = options;
  // Units taken from this isolate's leases, to give back if another dimension refuses: a local
  // refund is free (an exact check is not refunded: that would be a second round trip).
  const taken: (() => void)[] = [];
  const leased = settings.mode === 'leased' && settings.lease !== undefined ? settings.lease : undefined;
  const values: Record<RateDimension, string | undefined> = {
    tenant: subject.tenantId,
    key: subject.keyId,
    ip: subject.ip,
  };
  const checks = RATE_DIMENSIONS.flatMap((dimension) => {
    const limit = settings.rates[dimension];
    const value = values[dimension];
    if (!limit || value === undefined || value.length === 0) return [];
    const name = rateLimiterName(subject.tenantId, dimension, value);
    if (leased !== undefined && leases !== undefined && (check.cost ?? 1) === 1) {
      return [
        leases.rates
          .admit(namespace, name, subject.tenantId, limit, leased, leases.background)
          .then((result): LimitDecision => {
            if (result.giveBack !== undefined) taken.push(result.giveBack);
            return {
              allowed: result.allowed,
              limit: result.limit,
              remaining: result.remaining,
              resetSeconds: result.resetSeconds,
              retryAfterSeconds: result.retryAfterSeconds,
              dimension,
              limiterError: false,
            };
          }),
      ];
    }
    const stub = namespace.getByName(name);
    return [
      stub
        .check({ tenantId: subject.tenantId, rate: limit.rate, burst: limit.burst, ...check })
        .then((result): LimitDecision => ({ ...result, dimension, limiterError: false })),
    ];
  });

  let decision = UNLIMITED;
  for (const settled of await Promise.allSettled(checks)) {
    if (settled.status === 'fulfilled') {
      decision = decision.dimension === null ? settled.value : moreRestrictive(decision, settled.value);
      continue;
    }
    if (settings.onLimiterError === 'closed') {
      for (const giveBack of taken) giveBack();
      throw new GatewayError('rate_limited', 'The rate limiter is unavailable; retry shortly.', {
        headers: { 'retry-after': '1' },
        details: { limiterError: true },
        cause: settled.reason,
      });
    }
    decision = { ...decision, limiterError: true };
  }
  if (!decision.allowed) for (const giveBack of taken) giveBack();
  return decision;
}

/** `RateLimit-*` headers for a decision (none when nothing is limited), plus Retry-After on refusal. */
export function rateLimitHeaders(decision: LimitDecision): Record<string, string> {
  if (decision.dimension === null) return {};
  const headers: Record<string, string> = {
    'ratelimit-limit': String(decision.limit),
    'ratelimit-remaining': String(decision.remaining),
    'ratelimit-reset': String(decision.resetSeconds),
  };
  if (!decision.allowed) headers['retry-after'] = String(decision.retryAfterSeconds);
  return headers;
}

/** The 429 for a refused decision, carrying its headers to the error handler. */
export function rateLimitedError(decision: LimitDecision): GatewayError {
  return new GatewayError(
    'rate_limited',
    `Rate limit exceeded (${decision.dimension ?? 'tenant'}); retry after ${decision.retryAfterSeconds} s.`,
    {
      headers: rateLimitHeaders(decision),
      details: { dimension: decision.dimension, retryAfterSeconds: decision.retryAfterSeconds },
    },
  );
}
