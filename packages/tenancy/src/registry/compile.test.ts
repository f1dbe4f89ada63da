import { describe, expect, it } from 'vitest';
import { compileRegistry, formatRegistryIssues, type TenantSource } from './compile.ts';
import { TenantRegistry } from './tenant-registry.ts';
import { tenantJsonSchema } from '../schema/tenant-config.ts';
import committedSchema from '../../../../tenants/tenant.schema.json';

const HASH_A = 'a'.repeat(64);
const HASH_B = 'b'.repeat(64);

function tenant(id: string, overrides: Record<string, unknown> = {}): TenantSource {
  return {
    file: `tenants/${id}/tenant.config.json`,
    data: {
      id,
      name: id.toUpperCase(),
      environments: ['development', 'production'],
      apiKeys: [
        {
          id: `${id}-k`,
          hash: id === 'one' ? HASH_A : HASH_B,
          scopes: ['chat'],
          label: 'k',
          createdAt: '2026-01-01T00:00:00Z',
        },
      ],
      ...overrides,
    },
  };
}

// The repository's real tenant configs, as the build script reads them.
const repoConfigs = import.meta.glob<{ default: unknown }>('../../../../tenants/*/tenant.config.json', {
  eager: true,
});
const repoSources: TenantSource[] = Object.entries(repoConfigs).map(([path, mod]) => ({
  file: path.replace(/^(\.\.\/)+/, ''),
  data: mod.default,
}));

describe('compileRegistry', () => {
  it('fills in every default explicitly', () => {
    const result = compileRegistry([tenant('one')], 'development');
    expect(result.success).toBe(true);
    if (!result.success) return;
    const [one] = result.registry.tenants;
    expect(one?.status).toBe('active');
    expect(one?.models).toEqual({
      chat: 'local/echo-1',
      fallbacks: [],
      allowed: ['local/echo-1'],
      aliases: {},
    });
    expect(one?.limits.maxBodyBytes).toBe(1048576);
    expect(one?.apiKeys[0]?.disabled).toBe(false);
  });

  it('reports a bad field with file, JSON path and reason', () => {
    const bad = tenant('one', {
      apiKeys: [
        { id: 'k', hash: 'not-a-hash', scopes: ['chat', 'sudo'], label: 'k', createdAt: 'yesterday' },
      ],
    });
    const result = compileRegistry([bad], 'development');
    expect(result.success).toBe(false);
    if (result.success) return;
    const paths = result.issues.map((issue) => issue.path);
    expect(paths).toEqual(
      expect.arrayContaining(['apiKeys[0].hash', 'apiKeys[0].scopes[1]', 'apiKeys[0].createdAt']),
    );
    expect(result.issues.every((issue) => issue.file === 'tenants/one/tenant.config.json')).toBe(true);
    expect(formatRegistryIssues(result.issues)).toContain(
      'tenants/one/tenant.config.json: apiKeys[0].hash: a lower-case hex SHA-256',
    );
  });

  it('refuses unknown fields (typos do not pass silently)', () => {
    const result = compileRegistry([tenant('one', { limitz: {} })], 'development');
    expect(result.success).toBe(false);
  });

  it('refuses the same key hash in two tenants', () => {
    const two = tenant('two');
    (two.data as { apiKeys: { hash: string }[] }).apiKeys[0]!.hash = HASH_A; // eslint-disable-line @typescript-eslint/no-non-null-assertion -- fixture built just above with one key
    const result = compileRegistry([tenant('one'), two], 'development');
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(result.issues).toEqual([
      {
        file: 'tenants/two/tenant.config.json',
        path: 'apiKeys[0].hash',
        message:
          'duplicate API key hash (also used in tenants/one/tenant.config.json); every key must be unique',
      },
    ]);
  });

  it('refuses duplicate tenant ids and hosts across tenants', () => {
    const result = compileRegistry(
      [
        tenant('one', { hosts: ['api.one.example'] }),
        { ...tenant('two', { hosts: ['api.one.example'] }) },
        { file: 'tenants/copy/tenant.config.json', data: tenant('one').data },
      ],
      'development',
    );
    expect(result.success).toBe(false);
    if (result.success) return;
    const messages = result.issues.map((issue) => `${issue.file} ${issue.path}`);
    expect(messages).toContain('tenants/two/tenant.config.json hosts[0]');
    expect(messages).toContain('tenants/copy/tenant.config.json id');
  });

  it('refuses a tenant whose id differs from its folder', () => {
    const result = compileRegistry(
      [{ file: 'tenants/other/tenant.config.json', data: tenant('one').data }],
      'development',
    );
    expect(result.success).toBe(false);
  });

  it('refuses a demo tenant outside development', () => {
    const result = compileRegistry([tenant('one', { demo: true })], 'development');
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(result.issues[0]).toMatchObject({
      path: 'environments',
      message: 'a demo tenant may only exist in development',
    });
  });

  it('refuses a default chat model outside the allow-list', () => {
    const result = compileRegistry(
      [tenant('one', { models: { chat: 'x/y', allowed: ['local/echo-1'] } })],
      'development',
    );
    expect(result.success).toBe(false);
  });

  it('includes only the tenants of the requested environment', () => {
    const result = compileRegistry(
      [tenant('one'), tenant('two', { environments: ['staging'] })],
      'production',
    );
    expect(result.success && result.registry.tenants.map((t) => t.id)).toEqual(['one']);
  });
});

describe("the repository's tenants", () => {
  it('compile for every environment', () => {
    expect(repoSources.length).toBeGreaterThanOrEqual(2);
    for (const environment of ['development', 'staging', 'production'] as const) {
      const result = compileRegistry(repoSources, environment);
      expect(result.success ? [] : result.issues, environment).toEqual([]);
    }
  });

  it('put the demo tenants in development and never in staging or production', () => {
    const ids = (environment: 'development' | 'staging' | 'production') => {
      const result = compileRegistry(repoSources, environment);
      return result.success ? result.registry.tenants.map((t) => t.id) : [];
    };
    expect(ids('development')).toEqual(expect.arrayContaining(['acme', 'globex']));
    for (const environment of ['staging', 'production'] as const) {
      const result = compileRegistry(repoSources, environment);
      expect(result.success).toBe(true);
      if (!result.success) continue;
      expect(result.registry.tenants.some((t) => t.demo)).toBe(false);
      expect(ids(environment)).not.toContain('acme');
      expect(ids(environment)).not.toContain('globex');
    }
  });

  it('resolve the published demo keys', async () => {
    const result = compileRegistry(repoSources, 'development');
    if (!result.success) throw new Error('registry failed');
    const registry = new TenantRegistry(result.registry);
    const { hashApiKey } = await import('../keys/keys.ts');
    expect(registry.byApiKeyHash(await hashApiKey('gwk_demo_acme'))?.tenant.id).toBe('acme');
    expect(registry.byApiKeyHash(await hashApiKey('gwk_demo_globex'))?.tenant.id).toBe('globex');
  });
});

describe('tenant.schema.json', () => {
  it('is the committed output of the Zod schema (run `npm run registry` after changing it)', () => {
    expect(committedSchema).toEqual(tenantJsonSchema());
  });
});
