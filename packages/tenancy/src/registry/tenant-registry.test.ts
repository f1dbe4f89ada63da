import { describe, expect, it } from 'vitest';
import { compileRegistry } from './compile.ts';
import { TenantRegistry } from './tenant-registry.ts';

const source = (id: string, hosts: string[]) => ({
  file: `tenants/${id}/tenant.config.json`,
  data: {
    id,
    name: id,
    environments: ['development'],
    hosts,
    apiKeys: [
      {
        id: 'k',
        hash: id.padEnd(64, '0').replace(/[^0-9a-f]/g, 'a'),
        scopes: ['chat'],
        label: 'k',
        createdAt: '2026-01-01T00:00:00Z',
      },
    ],
  },
});

describe('TenantRegistry host mapping', () => {
  const result = compileRegistry(
    [source('one', ['one.example.com', 'two.example.com:8443']), source('two', [])],
    'development',
  );
  if (!result.success) throw new Error(JSON.stringify(result.issues));
  const registry = new TenantRegistry(result.registry);

  it('matches a host with or without its port, case-insensitively', () => {
    expect(registry.tenantForHost('one.example.com')?.id).toBe('one');
    expect(registry.tenantForHost('ONE.example.com:443')?.id).toBe('one');
    expect(registry.tenantForHost('two.example.com:8443')?.id).toBe('one');
  });

  it('maps no tenant for unknown or missing hosts', () => {
    expect(registry.tenantForHost('two.example.com')).toBeUndefined();
    expect(registry.tenantForHost(undefined)).toBeUndefined();
  });
});
