import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { driftReport } from './drift-report.ts';
import { defaultWorkspace, planDeploy, snapshotPath } from './lib/deploy.ts';

// The repository's own tenants and wrangler config; snapshots are written to a temporary folder
// standing in for deployments/, so nothing in the checkout changes.
const roots: string[] = [];
function snapshotRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'aigw-drift-'));
  roots.push(root);
  return root;
}
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

async function record(root: string, tenant: string, change?: (snapshot: Record<string, unknown>) => void) {
  const planned = await planDeploy(tenant, 'production', defaultWorkspace);
  if (!planned.success) throw new Error(planned.errors.join('; '));
  const snapshot = structuredClone(planned.plan.snapshot) as unknown as Record<string, unknown>;
  change?.(snapshot);
  const file = join(root, snapshotPath('production', tenant));
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(snapshot));
}

describe('npm run drift', () => {
  it('exits 0 on this checkout, whose deployments/ holds no snapshot yet', () => {
    const run = spawnSync('npx', ['tsx', 'scripts/deploy/drift.ts', '--env', 'production'], {
      cwd: defaultWorkspace.root,
      encoding: 'utf8',
    });
    expect(run.stdout).toContain('initech');
    expect(run.status, run.stdout + run.stderr).toBe(0);
  });

  it('says there is nothing to compare yet and exits 0 when nothing was ever deployed (a fresh clone)', async () => {
    const report = await driftReport({ environment: 'production', snapshotRoot: snapshotRoot() });
    expect(report.exitCode).toBe(0);
    expect(report.lines.join('\n')).toMatch(
      /Nothing to compare yet: no tenant has been deployed to production/,
    );
    expect(report.lines.join('\n')).toContain('initech: not deployed to production yet');
  });

  it('exits 0 when the recorded snapshot matches the current config', async () => {
    const root = snapshotRoot();
    await record(root, 'initech');
    const report = await driftReport({ environment: 'production', snapshotRoot: root });
    expect(report).toMatchObject({ exitCode: 0 });
    expect(report.lines).toContain('✓ initech: matches deployments/production/initech.json');
  });

  it('exits 1 and prints the difference when the deployed snapshot differs', async () => {
    const root = snapshotRoot();
    await record(root, 'initech', (snapshot) => {
      snapshot['tenant'] = 'initech-before';
    });
    const report = await driftReport({ environment: 'production', snapshotRoot: root });
    expect(report.exitCode).toBe(1);
    expect(report.lines.join('\n')).toMatch(/✗ initech: \d+ difference\(s\)/);
    expect(report.lines.at(-1)).toMatch(/0 in sync, 1 drifted, 0 not deployed yet/);
  });

  it('exits 1 for a corrupt snapshot rather than calling it "never deployed"', async () => {
    const root = snapshotRoot();
    const file = join(root, snapshotPath('production', 'initech'));
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, '{ not json');
    const report = await driftReport({ environment: 'production', snapshotRoot: root });
    expect(report.exitCode).toBe(1);
    expect(report.lines[0]).toMatch(
      /✗ initech: cannot read deployments\/production\/initech.json: not valid JSON/,
    );
  });
});
