import type { Context } from 'hono';
import {
  ControlPlaneAuthority,
  ControlPlaneCache,
  DEFAULT_CACHE_TTL_MS,
  type AuthFailureGuard,
  type ControlPlaneCacheOptions,
  type ControlPlaneContext,
  type Grantor,
} from '@aigw/control-plane';
import { authFailureWait, recordAuthFailure } from '@aigw/limits';
import { auditLedger } from '@aigw/tools';
import type { TenantConfig } from '@aigw/tenancy';
import type { GatewayEnv } from '../context.ts';

/**
 * The control plane's per-isolate cache, made on the first request (the TTL may come from the
 * environment, which a module cannot read before then): `options.ttlMs`, else the
 * `CONTROL_PLANE_CACHE_TTL_MS` var, else 5 s. The TTL is the revocation bound (docs/keys.md).
 */
export function lazyControlPlaneCache(
  options: ControlPlaneCacheOptions = {},
): (env: Env) => ControlPlaneCache {
  let cache: ControlPlaneCache | undefined;
  return (env) => {
    cache ??= new ControlPlaneCache({ ...options, ttlMs: options.ttlMs ?? ttlFrom(env) });
    return cache;
  };
}

function ttlFrom(env: Env): number {
  const raw = (env as unknown as Record<string, unknown>)['CONTROL_PLANE_CACHE_TTL_MS'];
  if (typeof raw !== 'string' || raw.trim() === '') return DEFAULT_CACHE_TTL_MS;
  return Number(raw);
}

/** Failed look-ups of unknown runtime keys, per tenant and client IP, on the shared RateLimiterDO. */
function guard(env: Env): AuthFailureGuard {
  return {
    wait: (tenantId, ip) => authFailureWait(env.RATE_LIMITER, tenantId, ip),
    record: (tenantId, ip) => recordAuthFailure(env.RATE_LIMITER, tenantId, ip),
  };
}

export function controlPlaneAuthority(c: Context<GatewayEnv>): ControlPlaneAuthority {
  return new ControlPlaneAuthority({
    namespace: c.env.CONTROL_PLANE,
    cache: c.get('services').controlPlane(c.env),
    guard: guard(c.env),
  });
}

/** What the key-management operations of `@aigw/control-plane` need for one request. */
export function controlPlaneContext(
  c: Context<GatewayEnv>,
  tenant: TenantConfig,
  grantor: Grantor,
): ControlPlaneContext {
  return {
    namespace: c.env.CONTROL_PLANE,
    tenant,
    grantor,
    ledger: auditLedger(c.env.AUDIT_LEDGER, tenant.id),
    cache: c.get('services').controlPlane(c.env),
    requestId: c.get('requestId'),
    clientRequestId: c.get('clientRequestId'),
  };
}
