import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { logger, readJson } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { FsTree, flushChanges } from 'nx/src/generators/tree';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  authenticate,
  ENVIRONMENTS,
  hashApiKey,
  SCOPES,
  tenantConfigSchema,
  TenantRegistry,
  type CompiledRegistry,
} from '@aigw/tenancy';
import { createTenant, DEFAULT_ENVIRONMENTS, DEFAULT_SCOPES, tenantGenerator } from './generator.ts';
import schema from './schema.json' with { type: 'json' };

const ROOT = fileURLToPath(new URL('../../../../../', import.meta.url));

describe('tenant generator', () => {
  it('writes a config valid against the tenant schema, storing only the key hash', async () => {
    const tree = createTreeWithEmptyWorkspace();
    const created = await createTenant(tree, {
      id: 'hooli',
      name: 'Hooli',
      environments: 'development,staging',
      scopes: 'chat,search',
    });
    const written = readJson<Record<string, unknown>>(tree, 'tenants/hooli/tenant.config.json');
    const config = tenantConfigSchema.parse(written);
    expect(written['$schema']).toBe('../tenant.schema.json');
    expect(config).toMatchObject({ id: 'hooli', name: 'Hooli', environments: ['development', 'staging'] });
    expect(config.apiKeys).toHaveLength(1);
    expect(config.apiKeys[0]?.scopes).toEqual(['chat', 'search']);
    expect(created.apiKey).toMatch(/^gwk_hooli_[0-9a-f]{32}$/);
    expect(config.apiKeys[0]?.hash).toBe(await hashApiKey(created.apiKey));
    expect(tree.read('tenants/hooli/tenant.config.json', 'utf8')).not.toContain(created.apiKey);
  });

  it('prints the key once, from the callback that runs after the files are written', async () => {
    const tree = createTreeWithEmptyWorkspace();
    const info = vi.spyOn(logger, 'info').mockImplementation(() => undefined);
    const callback = await tenantGenerator(tree, { id: 'pied-piper' });
    expect(info).not.toHaveBeenCalled();
    await callback();
    const printed = info.mock.calls.map((call) => String(call[0])).join('\n');
    expect(printed).toMatch(/gwk_pied-piper_[0-9a-f]{32}/);
    info.mockRestore();
  });

  it('defaults to development and staging with chat and search', async () => {
    const tree = createTreeWithEmptyWorkspace();
    const { config } = await createTenant(tree, { id: 'umbrella' });
    expect(config.environments).toEqual(['development', 'staging']);
    expect(config.apiKeys[0]?.scopes).toEqual(['chat', 'search']);
  });

  it('refuses an existing tenant, a bad id, an unknown scope or environment', async () => {
    const tree = createTreeWithEmptyWorkspace();
    await createTenant(tree, { id: 'hooli' });
    await expect(createTenant(tree, { id: 'hooli' })).rejects.toThrow(/already exists/);
    await expect(createTenant(tree, { id: 'Bad_Id' })).rejects.toThrow(/would be invalid[\s\S]*id/);
    await expect(createTenant(tree, { id: 'okay', scopes: 'chat,root' })).rejects.toThrow(
      '--scopes: unknown "root"; choose one or more of chat, search, ingest, tools, logs, keys, admin (comma-separated)',
    );
    await expect(createTenant(tree, { id: 'okay', scopes: ' , ' })).rejects.toThrow(/--scopes: none given/);
    await expect(createTenant(tree, { id: 'okay', environments: 'qa' })).rejects.toThrow(
      '--environments: unknown "qa"; choose one or more of development, staging, production',
    );
  });

  it('gives the first key the scopes --scopes names, from the scope list of @aigw/tenancy', async () => {
    const tree = createTreeWithEmptyWorkspace();
    const { config } = await createTenant(tree, { id: 'wayne', scopes: 'chat, tools,admin,chat' });
    expect(config.apiKeys[0]?.scopes).toEqual(['chat', 'tools', 'admin']);
    const all = await createTenant(tree, { id: 'stark', scopes: SCOPES.join(',') });
    expect(all.config.apiKeys[0]?.scopes).toEqual([...SCOPES]);
    // Nx passes a list when the flag is repeated.
    const listed = await createTenant(tree, { id: 'osborn', scopes: ['ingest', 'search'] });
    expect(listed.config.apiKeys[0]?.scopes).toEqual(['ingest', 'search']);
  });

  it('documents every scope and environment in the generator schema nx shows in --help', () => {
    const properties = (schema as { properties: Record<string, { description: string; default?: string }> })
      .properties;
    expect(properties['scopes']?.description).toMatch(new RegExp(`any of: ${SCOPES.join(', ')}\\.$`));
    expect(properties['environments']?.description).toMatch(
      new RegExp(`any of: ${ENVIRONMENTS.join(', ')}\\.$`),
    );
    expect(properties['scopes']?.default).toBe(DEFAULT_SCOPES);
    expect(properties['environments']?.default).toBe(DEFAULT_ENVIRONMENTS);
  });
});

describe('tenant generator, end to end', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('generates a tenant, rebuilds the registry, and the printed key authenticates as the new tenant', async () => {
    dir = mkdtempSync(join(tmpdir(), 'aigw-tenant-e2e-'));
    cpSync(join(ROOT, 'tenants'), join(dir, 'tenants'), { recursive: true });

    // A real tree on disk, as `nx g` uses; the generator writes into the copy of tenants/.
    const tree = new FsTree(dir, false);
    const info = vi.spyOn(logger, 'info').mockImplementation(() => undefined);
    const callback = await tenantGenerator(tree, {
      id: 'e2e-corp',
      environments: 'development',
      scopes: 'chat',
    });
    flushChanges(dir, tree.listChanges());
    await callback();
    const printed = /gwk_e2e-corp_[0-9a-f]{32}/.exec(
      info.mock.calls.map((c) => String(c[0])).join('\n'),
    )?.[0];
    info.mockRestore();
    expect(printed).toBeDefined();

    // The real registry build, over every tenant folder of the copy.
    const out = join(dir, 'registry.json.ts');
    execFileSync(
      process.execPath,
      [
        join(ROOT, 'node_modules/tsx/dist/cli.mjs'),
        'scripts/build-registry.ts',
        '--env',
        'development',
        '--tenants-dir',
        relative(ROOT, join(dir, 'tenants')),
        '--out',
        relative(ROOT, out),
      ],
      { cwd: ROOT, stdio: 'pipe' },
    );
    const module = readFileSync(out, 'utf8');
    const json = module.slice(module.indexOf('= {') + 2, module.lastIndexOf('}') + 1);
    const registry = new TenantRegistry(JSON.parse(json) as CompiledRegistry);
    expect(registry.list().map((t) => t.id)).toContain('e2e-corp');

    const auth = await authenticate(registry, {
      credential: printed,
      host: undefined,
      claimedTenantId: undefined,
      now: new Date(),
    });
    expect(auth.tenant.id).toBe('e2e-corp');
    expect(auth.key.scopes).toEqual(['chat']);
  });
});
