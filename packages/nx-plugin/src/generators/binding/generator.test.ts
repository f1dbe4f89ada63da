import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import type { Tree } from '@nx/devkit';
import { parse } from 'jsonc-parser';
import { beforeEach, describe, expect, it } from 'vitest';
import { workerGenerator } from '../worker/generator.ts';
import { bindingGenerator } from './generator.ts';

type Config = Record<string, unknown> & { env: Record<string, Record<string, unknown>> };
const read = (tree: Tree): Config => parse(tree.read('apps/svc/wrangler.jsonc', 'utf8') ?? '') as Config;

describe('binding generator', () => {
  let tree: Tree;
  beforeEach(async () => {
    tree = createTreeWithEmptyWorkspace();
    await workerGenerator(tree, { name: 'svc', skipInstallTasks: true });
  });

  it('declares kv at the top level and in every environment, keeping comments', async () => {
    await bindingGenerator(tree, { project: 'svc', type: 'kv', name: 'CACHE', skipTypes: true });
    const config = read(tree);
    expect(config['kv_namespaces']).toEqual([{ binding: 'CACHE' }]);
    expect(config.env['staging']?.['kv_namespaces']).toEqual([{ binding: 'CACHE' }]);
    expect(config.env['production']?.['kv_namespaces']).toEqual([{ binding: 'CACHE' }]);
    expect(tree.read('apps/svc/wrangler.jsonc', 'utf8')).toContain('// svc: generated');
  });

  it('declares ai, vectorize and analytics only in staging and production', async () => {
    await bindingGenerator(tree, { project: 'apps/svc', type: 'ai', name: 'AI', skipTypes: true });
    await bindingGenerator(tree, { project: 'svc', type: 'vectorize', name: 'VECTORIZE', skipTypes: true });
    await bindingGenerator(tree, {
      project: 'svc',
      type: 'analytics',
      name: 'USAGE_EVENTS',
      skipTypes: true,
    });
    const config = read(tree);
    for (const key of ['ai', 'vectorize', 'analytics_engine_datasets']) expect(config[key]).toBeUndefined();
    expect(config.env['staging']).toMatchObject({
      ai: { binding: 'AI' },
      vectorize: [{ binding: 'VECTORIZE', index_name: 'aigw-svc-staging' }],
      analytics_engine_datasets: [{ binding: 'USAGE_EVENTS', dataset: 'aigw_svc_staging' }],
    });
    expect(config.env['production']).toMatchObject({ vectorize: [{ index_name: 'aigw-svc-production' }] });
  });

  it('adds a Durable Object binding everywhere, a SQLite migration and the exported class', async () => {
    await bindingGenerator(tree, { project: 'svc', type: 'do', name: 'USAGE_STORE', skipTypes: true });
    const config = read(tree);
    const binding = { bindings: [{ name: 'USAGE_STORE', class_name: 'UsageStore' }] };
    expect(config['durable_objects']).toEqual(binding);
    expect(config.env['staging']?.['durable_objects']).toEqual(binding);
    expect(config['migrations']).toEqual([{ tag: 'v1', new_sqlite_classes: ['UsageStore'] }]);
    expect(tree.read('apps/svc/src/durable-objects/usage-store.ts', 'utf8')).toContain(
      'export class UsageStore extends DurableObject<Env>',
    );
    expect(tree.read('apps/svc/src/index.ts', 'utf8')).toContain(
      "export { UsageStore } from './durable-objects/usage-store.ts';",
    );
  });

  it('refuses a duplicate binding, a bad name, an unknown project', async () => {
    await bindingGenerator(tree, { project: 'svc', type: 'kv', name: 'CACHE', skipTypes: true });
    await expect(
      bindingGenerator(tree, { project: 'svc', type: 'kv', name: 'CACHE', skipTypes: true }),
    ).rejects.toThrow(/already has/);
    await expect(
      bindingGenerator(tree, { project: 'svc', type: 'kv', name: 'cache', skipTypes: true }),
    ).rejects.toThrow(/upper case/);
    await expect(
      bindingGenerator(tree, { project: 'nope', type: 'kv', name: 'X', skipTypes: true }),
    ).rejects.toThrow(/cannot find/);
  });
});
