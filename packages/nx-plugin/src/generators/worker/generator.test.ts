import { readJson } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { parse } from 'jsonc-parser';
import { describe, expect, it } from 'vitest';
import { workerGenerator } from './generator.ts';

describe('worker generator', () => {
  it('creates an app behind the tenant middleware with its wrangler config and targets', async () => {
    const tree = createTreeWithEmptyWorkspace();
    tree.write(
      'apps/gateway/wrangler.jsonc',
      '// comment\n{ "name": "aigw-gateway", "compatibility_date": "2026-01-02" }',
    );
    await workerGenerator(tree, { name: 'edge-search', skipInstallTasks: true });

    for (const file of [
      'src/index.ts',
      'src/app.ts',
      'src/context.ts',
      'src/middleware/tenant.ts',
      'test/worker.test.ts',
      'tsconfig.json',
      'vitest.config.ts',
    ]) {
      expect(tree.exists(`apps/edge-search/${file}`), file).toBe(true);
    }
    const wrangler = parse(tree.read('apps/edge-search/wrangler.jsonc', 'utf8') ?? '') as Record<
      string,
      unknown
    >;
    expect(wrangler).toMatchObject({
      name: 'aigw-edge-search',
      main: 'src/index.ts',
      compatibility_date: '2026-01-02',
      vars: { GATEWAY_ENV: 'development' },
      env: {
        staging: { name: 'aigw-edge-search-staging' },
        production: { name: 'aigw-edge-search-production' },
      },
    });
    expect(tree.read('apps/edge-search/wrangler.jsonc', 'utf8')).toContain('// edge-search: generated');

    const pkg = readJson<{ name: string; scripts: Record<string, string>; nx: { tags: string[] } }>(
      tree,
      'apps/edge-search/package.json',
    );
    expect(pkg.name).toBe('@aigw/edge-search');
    // The module-boundary rule lets an untagged project import nothing (ADR 0007).
    expect(pkg.nx.tags).toEqual(['layer:app']);
    expect(Object.keys(pkg.scripts)).toEqual(
      expect.arrayContaining(['dev', 'test', 'deploy', 'lint', 'typecheck', 'types']),
    );
    expect(pkg.scripts['registry']).toContain('--out apps/edge-search/src/generated/registry.ts');

    const app = tree.read('apps/edge-search/src/app.ts', 'utf8') ?? '';
    expect(app).toContain("app.get('/health'");
    expect(app).toContain('tenantMiddleware');
    expect(tree.read('apps/edge-search/src/middleware/tenant.ts', 'utf8')).toContain('authenticate(registry');
  });

  it('refuses an existing app or a bad name', async () => {
    const tree = createTreeWithEmptyWorkspace();
    await workerGenerator(tree, { name: 'one', skipInstallTasks: true });
    await expect(workerGenerator(tree, { name: 'one', skipInstallTasks: true })).rejects.toThrow(
      /already exists/,
    );
    await expect(workerGenerator(tree, { name: 'Bad Name', skipInstallTasks: true })).rejects.toThrow(
      /not a valid app name/,
    );
  });
});
