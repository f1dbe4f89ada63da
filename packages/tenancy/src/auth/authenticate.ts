import { GatewayError } from '@aigw/core';
import type { ApiKeyConfig, Scope, TenantConfig } from '../schema/tenant-config.ts';
import { hashApiKey } from '../keys/keys.ts';
import type { TenantRegistry } from '../registry/tenant-registry.ts';

/** The resolved caller: set once per request, read by everything downstream. */
export interface AuthContext {
  tenant: TenantConfig;
  key: ApiKeyConfig;
}

export interface AuthRequest {
  /** The API key the request carried, if any. */
  credential: string | undefined;
  /** The Host header. */
  host: string | undefined;
  /** A tenant the client claims (e.g. `x-tenant-id`). Never used to select; only to refuse a mismatch. */
  claimedTenantId: string | undefined;
  now: Date;
}

/**
 * Resolves the tenant from the API key alone. The host mapping and any client-claimed tenant can
 * only make a request fail, never choose a different tenant than the key's.
 */
export async function authenticate(registry: TenantRegistry, request: AuthRequest): Promise<AuthContext> {
  if (request.credential === undefined) throw new GatewayError('missing_api_key');

  const entry = registry.byApiKeyHash(await hashApiKey(request.credential));
  if (entry === undefined) throw new GatewayError('invalid_api_key');
  const { tenant, key } = entry;

  if (key.disabled) throw new GatewayError('invalid_api_key', 'The API key is disabled.');
  if (key.expiresAt !== undefined && Date.parse(key.expiresAt) <= request.now.getTime()) {
    throw new GatewayError('invalid_api_key', 'The API key has expired.');
  }
  if (tenant.status === 'suspended') throw new GatewayError('tenant_suspended');

  const hostTenant = registry.tenantForHost(request.host);
  if (hostTenant !== undefined && hostTenant.id !== tenant.id) {
    throw new GatewayError('tenant_mismatch', 'This host belongs to a different tenant than the API key.');
  }
  if (request.claimedTenantId !== undefined && request.claimedTenantId !== tenant.id) {
    throw new GatewayError('tenant_mismatch', 'x-tenant-id names a different tenant than the API key.');
  }
  return { tenant, key };
}

export function hasScope(key: ApiKeyConfig, scope: Scope): boolean {
  return key.scopes.includes(scope);
}

export function requireScope(key: ApiKeyConfig, scope: Scope): void {
  if (!hasScope(key, scope)) {
    throw new GatewayError('insufficient_scope', `This route needs the "${scope}" scope.`, {
      details: { required: scope, granted: key.scopes },
    });
  }
}
