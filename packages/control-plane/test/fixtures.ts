import { tenantConfigSchema, type TenantConfig, type TenantConfigInput } from '@aigw/tenancy';
import type { KeyFields } from '../src/keys/policy.ts';

let counter = 0;
/** A fresh tenant id per test: the tests share one storage. */
export const freshTenantId = () => `t${Date.now().toString(36)}${++counter}`;

/** A tenant config as the registry holds it (every default filled in). */
export function tenant(id = freshTenantId(), extra: Partial<TenantConfigInput> = {}): TenantConfig {
  return tenantConfigSchema.parse({
    id,
    name: id,
    environments: ['development'],
    apiKeys: [
      {
        id: 'admin',
        hash: 'a'.repeat(64),
        scopes: ['chat', 'search', 'keys', 'admin'],
        label: 'admin',
        createdAt: '2026-01-01T00:00:00Z',
      },
    ],
    models: { chat: 'local/echo-1', allowed: ['local/echo-1', 'local/echo-2'] },
    ...extra,
  });
}

/** Fields of a valid key, as the policy hands them to the object. */
export function fields(extra: Partial<KeyFields> = {}): KeyFields {
  return {
    name: 'app',
    scopes: ['chat'],
    models: null,
    rates: {},
    budget: {},
    expiresAt: null,
    metadata: {},
    ...extra,
  };
}

export const author = { actor: 'operator', requestId: 'req_test' };
