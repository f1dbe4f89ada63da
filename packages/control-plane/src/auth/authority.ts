import { GatewayError, unwrap, type RpcResult } from '@aigw/core';
import type { AuthContext, RuntimeAuthority, RuntimeKeyQuery } from '@aigw/tenancy';
import type { ControlPlaneCache } from '../cache/cache.ts';
import { effectiveCaller } from '../keys/view.ts';
import { controlPlaneStub } from '../store/client.ts';
import type { ControlPlaneDO } from '../store/control-plane-do.ts';

/**
 * Limits failed look-ups of runtime keys per client IP (the gateway backs it with `RateLimiterDO`).
 * Consulted only when the isolate has no answer cached, before the tenant's object is asked.
 */
export interface AuthFailureGuard {
  /** Seconds `ip` must wait before looking up unknown keys of `tenantId` again; 0 when it may now. */
  wait(tenantId: string, ip: string): Promise<number>;
  record(tenantId: string, ip: string): Promise<void>;
}

export interface ControlPlaneAuthorityOptions {
  namespace: DurableObjectNamespace<ControlPlaneDO>;
  cache: ControlPlaneCache;
  guard?: AuthFailureGuard | undefined;
}

/**
 * Runtime keys and tenant switches for `authenticate`, through the per-isolate cache: a key or a
 * tenant seen within the cache's TTL costs a map read; otherwise one call to the tenant's
 * control-plane object (named by the tenant id the key carries), whose answer is cached.
 */
export class ControlPlaneAuthority implements RuntimeAuthority {
  readonly #namespace: DurableObjectNamespace<ControlPlaneDO>;
  readonly #cache: ControlPlaneCache;
  readonly #guard: AuthFailureGuard | undefined;

  constructor(options: ControlPlaneAuthorityOptions) {
    this.#namespace = options.namespace;
    this.#cache = options.cache;
    this.#guard = options.guard;
  }

  async findKey(query: RuntimeKeyQuery): Promise<AuthContext | undefined> {
    const { tenant, keyId, hash, clientIp } = query;
    const cached = this.#cache.key(hash);
    if (cached !== undefined) return cached ?? undefined;

    const ip = clientIp ?? 'unknown';
    let wait = this.#cache.blockedFor(tenant.id, ip);
    // A limiter that cannot answer does not lock every new key out: the look-up goes ahead.
    if (wait === 0 && this.#guard) wait = await this.#guard.wait(tenant.id, ip).catch(() => 0);
    if (wait > 0) {
      this.#cache.block(tenant.id, ip, wait);
      throw new GatewayError(
        'rate_limited',
        `Too many unknown API keys from this client; retry after ${wait} s.`,
        {
          headers: { 'retry-after': String(wait) },
          details: { dimension: 'auth', retryAfterSeconds: wait },
        },
      );
    }

    const verified = await this.#call(() =>
      controlPlaneStub(this.#namespace, tenant.id).verify({
        tenantId: tenant.id,
        keyId,
        hash,
        now: this.#cache.clock(),
      }),
    );
    if (verified === null) {
      this.#cache.setUnknown(hash, tenant.id, keyId);
      // Counting is best effort: a limiter hiccup must not turn a 401 into a 500.
      await this.#guard?.record(tenant.id, ip).catch(() => undefined);
      return undefined;
    }
    this.#cache.setSuspended(tenant.id, verified.suspended);
    const caller = effectiveCaller(tenant, verified.key, hash);
    this.#cache.setKey(hash, caller, verified.validUntil);
    return caller;
  }

  /**
   * The tenant's run-time switch. If its object cannot be reached, the last switch this isolate
   * saw stands (active if it saw none): an outage of the control plane must not stop every
   * config-key request of the tenant.
   */
  async isSuspended(tenantId: string): Promise<boolean> {
    const cached = this.#cache.suspended(tenantId);
    if (cached !== undefined) return cached;
    try {
      const { suspended } = unwrap(
        await controlPlaneStub(this.#namespace, tenantId).state({ tenantId, now: this.#cache.clock() }),
      );
      this.#cache.setSuspended(tenantId, suspended);
      return suspended;
    } catch (error) {
      console.warn(
        JSON.stringify({
          level: 'warn',
          msg: 'control plane unreachable; using the last known tenant switch',
          tenantId,
          error: error instanceof Error ? error.message : String(error),
        }),
      );
      return this.#cache.lastKnownSuspended(tenantId) ?? false;
    }
  }

  /** One object call; a failed call (not a refusal) is `control_plane_unavailable`, 503. */
  async #call<T>(call: () => Promise<RpcResult<T>>): Promise<T> {
    let result: RpcResult<T>;
    try {
      result = await call();
    } catch (error) {
      throw new GatewayError('control_plane_unavailable', undefined, {
        headers: { 'retry-after': '1' },
        cause: error,
      });
    }
    return unwrap(result);
  }
}
