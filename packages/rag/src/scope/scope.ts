import { GatewayError, tenantIdSchema } from '@aigw/core';

/**
 * The resolved tenant every store call is made for. It is a required argument of every wrapper and
 * pipeline function, so code that has no tenant cannot reach a store at all.
 */
export interface TenantScope {
  readonly tenantId: string;
}

/**
 * Fails closed: a missing, empty or malformed tenant id is a bug in the caller (the tenant
 * middleware always sets a valid one), so it is a system error, never a fallback to "all tenants".
 */
export function assertScope(scope: TenantScope | undefined | null): TenantScope {
  const parsed = tenantIdSchema.safeParse(scope?.tenantId);
  if (!parsed.success) {
    throw new GatewayError('internal', 'A tenant-scoped store was called without a valid tenant.');
  }
  return { tenantId: parsed.data };
}
