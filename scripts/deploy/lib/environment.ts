import type { DeployEnvironment } from '@aigw/tenancy';
import { dedicatedWorkerName } from './render.ts';
import { readWranglerConfig, type Workspace } from './deploy.ts';
import { isRecord, loadTenants, readTenantFiles } from './tenants.ts';

export type EnvironmentTenants =
  { success: true; ids: string[]; workers: Map<string, string> } | { success: false; message: string };

/** The non-demo tenants of one environment, and the Worker each is served by. */
export async function environmentTenants(
  environment: DeployEnvironment,
  workspace: Workspace,
): Promise<EnvironmentTenants> {
  const loaded = loadTenants(await readTenantFiles(workspace.root, workspace.tenantsDir), environment);
  if (!loaded.success) return loaded;
  const base = await readWranglerConfig(`${workspace.root}/${workspace.baseConfig}`);
  const section = isRecord(base['env']) ? base['env'][environment] : undefined;
  const sharedName =
    isRecord(section) && typeof section['name'] === 'string'
      ? section['name']
      : `${String(base['name'])}-${environment}`;

  const workers = new Map<string, string>();
  const ids: string[] = [];
  for (const tenant of loaded.registry.tenants.filter((t) => !t.demo)) {
    const deployment = loaded.deployments.get(tenant.id);
    if (deployment === undefined) continue;
    ids.push(tenant.id);
    workers.set(
      tenant.id,
      deployment.mode === 'dedicated' ? dedicatedWorkerName(tenant.id, deployment, environment) : sharedName,
    );
  }
  return { success: true, ids, workers };
}
