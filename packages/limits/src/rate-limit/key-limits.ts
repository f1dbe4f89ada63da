import type { RateLimit } from '@aigw/limits/settings';
import type { LimitDecision } from './check-limits.ts';
import { rateLimiterName } from './naming.ts';
import type { RateLimiterDO } from './rate-limiter-do.ts';

/**
 * Limits of the control plane, on the same `RateLimiterDO` (GCRA) as the tenant config's rates:
 *
 * - a runtime key's **tokens per minute** (`tenant:tokens:<key id>`): a request is admitted while
 *   one more token would fit (a dry run, nothing booked), and the tokens its model calls used are
 *   booked afterwards with a forced charge, since they are known only then;
 * - **failed look-ups of runtime keys per client IP** (`tenant:auth:<ip>`): checked before the
 *   tenant's control-plane object is asked about a key the isolate has not seen, charged when the
 *   object does not know the key, so guessing keys cannot hammer a tenant's object.
 */

export interface TokenRateSubject {
  tenantId: string;
  keyId: string;
}

export interface KeyLimitOptions {
  /** Test clock, ms since the epoch. */
  now?: number;
}

function stub(
  namespace: DurableObjectNamespace<RateLimiterDO>,
  tenantId: string,
  dimension: 'tokens' | 'auth',
  value: string,
): DurableObjectStub<RateLimiterDO> {
  return namespace.getByName(rateLimiterName(tenantId, dimension, value));
}

/** Whether the key's token bucket admits a request now (books nothing). */
export async function checkTokenRate(
  namespace: DurableObjectNamespace<RateLimiterDO>,
  subject: TokenRateSubject,
  limit: RateLimit,
  options: KeyLimitOptions = {},
): Promise<LimitDecision> {
  const result = await stub(namespace, subject.tenantId, 'tokens', subject.keyId).check({
    tenantId: subject.tenantId,
    rate: limit.rate,
    burst: limit.burst,
    dryRun: true,
    ...options,
  });
  return { ...result, dimension: 'tokens', limiterError: false };
}

/** Books the tokens a request used against the key's bucket, past its burst if need be. */
export async function chargeTokens(
  namespace: DurableObjectNamespace<RateLimiterDO>,
  subject: TokenRateSubject,
  limit: RateLimit,
  tokens: number,
  options: KeyLimitOptions = {},
): Promise<void> {
  if (tokens <= 0) return;
  await stub(namespace, subject.tenantId, 'tokens', subject.keyId).check({
    tenantId: subject.tenantId,
    rate: limit.rate,
    burst: limit.burst,
    cost: Math.ceil(tokens),
    force: true,
    ...options,
  });
}

/** Failed look-ups a client IP may make per tenant: 30 at once, then one every 2 s. */
export const AUTH_FAILURE_LIMIT: RateLimit = { rate: 30, burst: 30 };

/** The seconds until `ip` may look up unknown keys of `tenantId` again; 0 when it may now. */
export async function authFailureWait(
  namespace: DurableObjectNamespace<RateLimiterDO>,
  tenantId: string,
  ip: string,
  limit: RateLimit = AUTH_FAILURE_LIMIT,
  options: KeyLimitOptions = {},
): Promise<number> {
  const result = await stub(namespace, tenantId, 'auth', ip).check({
    tenantId,
    rate: limit.rate,
    burst: limit.burst,
    dryRun: true,
    ...options,
  });
  return result.allowed ? 0 : result.retryAfterSeconds;
}

/** Counts one failed look-up of `ip` against `tenantId`. */
export async function recordAuthFailure(
  namespace: DurableObjectNamespace<RateLimiterDO>,
  tenantId: string,
  ip: string,
  limit: RateLimit = AUTH_FAILURE_LIMIT,
  options: KeyLimitOptions = {},
): Promise<void> {
  await stub(namespace, tenantId, 'auth', ip).check({
    tenantId,
    rate: limit.rate,
    burst: limit.burst,
    force: true,
    ...options,
  });
}
