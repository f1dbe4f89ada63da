import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DeployEnvironment } from '@aigw/tenancy';
import { defaultWorkspace, planDeploy, snapshotPath, type Workspace } from './lib/deploy.ts';
import { environmentTenants } from './lib/environment.ts';
import { diffJson, formatChanges } from './lib/snapshot.ts';

export interface DriftOptions {
  environment: DeployEnvironment;
  /** Only these tenants (default: every non-demo tenant of the environment). */
  tenants?: readonly string[];
  workspace?: Workspace;
  /** Where `deployments/<env>/` lives (default: the workspace root). */
  snapshotRoot?: string;
}

export interface DriftReport {
  lines: string[];
  /** 0 when every deployed tenant matches (or nothing is deployed yet), 1 on drift or a render failure. */
  exitCode: 0 | 1;
}

type Snapshot = { found: true; data: unknown } | { found: false } | { found: true; error: string };

async function readSnapshot(path: string): Promise<Snapshot> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    // Only a missing file means "never deployed"; an unreadable snapshot is a failure.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { found: false };
    return { found: true, error: String(error) };
  }
  try {
    return { found: true, data: JSON.parse(text) };
  } catch (error) {
    return { found: true, error: `not valid JSON (${String(error)})` };
  }
}

/**
 * Compares what each tenant's Worker would be deployed as now with the snapshot its last deploy
 * recorded. A tenant with no snapshot has never been deployed from this repository: there is
 * nothing to compare it with, which is not drift (a fresh clone has no snapshots at all).
 */
export async function driftReport(options: DriftOptions): Promise<DriftReport> {
  const { environment } = options;
  const workspace = options.workspace ?? defaultWorkspace;
  const snapshotRoot = options.snapshotRoot ?? workspace.root;
  const lines: string[] = [];
  const tenants = await environmentTenants(environment, workspace);
  if (!tenants.success) return { lines: [tenants.message], exitCode: 1 };
  const ids = options.tenants ?? tenants.ids;

  let inSync = 0;
  let drifted = 0;
  const undeployed: string[] = [];
  for (const id of ids) {
    const file = snapshotPath(environment, id);
    const planned = await planDeploy(id, environment, workspace);
    if (!planned.success) {
      drifted += 1;
      lines.push(`✗ ${id}: cannot render: ${planned.errors.join('; ')}`);
      continue;
    }
    const recorded = await readSnapshot(join(snapshotRoot, file));
    if (!recorded.found) {
      undeployed.push(id);
      lines.push(`· ${id}: not deployed to ${environment} yet (no ${file}), nothing to compare`);
      continue;
    }
    if ('error' in recorded) {
      drifted += 1;
      lines.push(`✗ ${id}: cannot read ${file}: ${recorded.error}`);
      continue;
    }
    const changes = diffJson(recorded.data, planned.plan.snapshot);
    if (changes.length === 0) {
      inSync += 1;
      lines.push(`✓ ${id}: matches ${file}`);
    } else {
      drifted += 1;
      lines.push(
        `✗ ${id}: ${changes.length} difference(s) between ${file} (deployed, -) and the current config (+):`,
        formatChanges(changes),
      );
    }
  }
  if (undeployed.length === ids.length) {
    lines.push(
      `\nNothing to compare yet: no tenant has been deployed to ${environment} from this repository ` +
        `(a deploy writes deployments/${environment}/<tenant>.json).`,
    );
    return { lines, exitCode: 0 };
  }
  lines.push(
    `\n${inSync} in sync, ${drifted} drifted, ${undeployed.length} not deployed yet (${environment})`,
  );
  return { lines, exitCode: drifted > 0 ? 1 : 0 };
}
