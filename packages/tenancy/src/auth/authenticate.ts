import { GatewayError } from '@aigw/core';
import type { RateLimit } from '@aigw/limits/settings';
import type { ApiKeyConfig, Scope, TenantConfig } from '../schema/tenant-config.ts';
import { hashApiKey } from '../keys/keys.ts';
import { parseRuntimeKey } from '../keys/format.ts';
import type { TenantRegistry } from '../registry/tenant-registry.ts';

/** The resolved caller: set once per request, read by everything downstream. */
export interface AuthContext {
  /**
   * The tenant as this request sees it. For a runtime key it is the tenant's config narrowed by
   * the key (its models, its rate and budget as the key's limits), so every route enforces the
   * key's limits by reading the tenant, as it always did.
   */
  tenant: TenantConfig;
  key: ApiKeyConfig;
  /** Where the key is kept: the compiled tenant config, or the tenant's control-plane object. */
  source: 'config' | 'runtime';
  /** A runtime key's own token rate (tokens per minute), enforced beside the tenant's limits. */
  tokenRate?: RateLimit | undefined;
}

export interface AuthRequest {
  /** The API key the request carried, if any. */
  credential: string | undefined;
  /** The Host header. */
  host: string | undefined;
  /** A tenant the client claims (e.g. `x-tenant-id`). Never used to select; only to refuse a mismatch. */
  claimedTenantId: string | undefined;
  /** The client's IP (`CF-Connecting-IP`), for limiting failed look-ups of runtime keys. */
  clientIp?: string | undefined;
  now: Date;
}

/** What a runtime key look-up is given: the tenant the key names (from the registry) and the key. */
export interface RuntimeKeyQuery {
  tenant: TenantConfig;
  keyId: string;
  /** SHA-256 of the credential; the plaintext itself never leaves `authenticate`. */
  hash: string;
  clientIp: string | undefined;
  now: Date;
}

/**
 * The run-time half of authentication (the control plane, `@aigw/control-plane`): runtime keys
 * and tenant switches, which change without a deploy. Implementations cache, so most calls cost
 * a map read.
 */
export interface RuntimeAuthority {
  /** The caller of a runtime key, or undefined when the key is unknown, revoked or expired. */
  findKey(query: RuntimeKeyQuery): Promise<AuthContext | undefined>;
  /** True when the tenant has been suspended at run time. */
  isSuspended(tenantId: string, now: Date): Promise<boolean>;
}

/**
 * Resolves the tenant from the API key alone. The host mapping and any client-claimed tenant can
 * only make a request fail, never choose a different tenant than the key's. Without `runtime`
 * only config keys and config switches count (a Worker without a control plane).
 */
export async function authenticate(
  registry: TenantRegistry,
  request: AuthRequest,
  runtime?: RuntimeAuthority,
): Promise<AuthContext> {
  if (request.credential === undefined) throw new GatewayError('missing_api_key');

  const hash = await hashApiKey(request.credential);
  const configured = registry.byApiKeyHash(hash);
  const caller: AuthContext | undefined = configured
    ? { ...configured, source: 'config' }
    : await findRuntimeKey(registry, request, hash, runtime);
  if (caller === undefined) throw new GatewayError('invalid_api_key');
  const { tenant, key } = caller;

  if (key.disabled) throw new GatewayError('invalid_api_key', 'The API key is disabled.');
  if (key.expiresAt !== undefined && Date.parse(key.expiresAt) <= request.now.getTime()) {
    throw new GatewayError('invalid_api_key', 'The API key has expired.');
  }
  if (tenant.status === 'suspended' || (await runtime?.isSuspended(tenant.id, request.now))) {
    throw new GatewayError('tenant_suspended');
  }

  const hostTenant = registry.tenantForHost(request.host);
  if (hostTenant !== undefined && hostTenant.id !== tenant.id) {
    throw new GatewayError('tenant_mismatch', 'This host belongs to a different tenant than the API key.');
  }
  if (request.claimedTenantId !== undefined && request.claimedTenantId !== tenant.id) {
    throw new GatewayError('tenant_mismatch', 'x-tenant-id names a different tenant than the API key.');
  }
  return caller;
}

/** A credential that names a tenant of this registry and a runtime key id goes to the control plane. */
async function findRuntimeKey(
  registry: TenantRegistry,
  request: AuthRequest,
  hash: string,
  runtime: RuntimeAuthority | undefined,
): Promise<AuthContext | undefined> {
  const named = request.credential === undefined ? undefined : parseRuntimeKey(request.credential);
  const tenant = named === undefined ? undefined : registry.get(named.tenantId);
  if (runtime === undefined || named === undefined || tenant === undefined) return undefined;
  return runtime.findKey({
    tenant,
    keyId: named.keyId,
    hash,
    clientIp: request.clientIp,
    now: request.now,
  });
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

/** Refuses keys holding none of `scopes` (e.g. `keys` or `admin` for key management). */
export function requireAnyScope(key: ApiKeyConfig, scopes: readonly Scope[]): void {
  if (!scopes.some((scope) => hasScope(key, scope))) {
    throw new GatewayError(
      'insufficient_scope',
      `This route needs one of the scopes: ${scopes.join(', ')}.`,
      {
        details: { required: scopes, granted: key.scopes },
      },
    );
  }
}
