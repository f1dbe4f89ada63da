import type { Environment, TenantConfig, ApiKeyConfig } from '../schema/tenant-config.ts';
import type { CompiledRegistry } from './compile.ts';

export interface KeyEntry {
  tenant: TenantConfig;
  key: ApiKeyConfig;
}

/**
 * The compiled registry, indexed for the request path: key hash → tenant + key, host → tenant.
 * Built once per isolate from the generated module; lookups are map reads.
 */
export class TenantRegistry {
  readonly environment: Environment;
  private readonly byId = new Map<string, TenantConfig>();
  private readonly byKeyHash = new Map<string, KeyEntry>();
  private readonly byHost = new Map<string, TenantConfig>();

  constructor(compiled: CompiledRegistry) {
    this.environment = compiled.environment;
    for (const tenant of compiled.tenants) {
      this.byId.set(tenant.id, tenant);
      for (const key of tenant.apiKeys) this.byKeyHash.set(key.hash, { tenant, key });
      for (const host of tenant.hosts) this.byHost.set(host, tenant);
    }
  }

  get(tenantId: string): TenantConfig | undefined {
    return this.byId.get(tenantId);
  }

  list(): TenantConfig[] {
    return [...this.byId.values()];
  }

  byApiKeyHash(hash: string): KeyEntry | undefined {
    return this.byKeyHash.get(hash);
  }

  /** The tenant a Host header is mapped to: an exact `host:port` match first, then the bare host. */
  tenantForHost(hostHeader: string | undefined): TenantConfig | undefined {
    if (!hostHeader) return undefined;
    const host = hostHeader.trim().toLowerCase();
    return this.byHost.get(host) ?? this.byHost.get(host.replace(/:\d+$/, ''));
  }
}
