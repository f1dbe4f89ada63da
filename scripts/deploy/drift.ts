/**
 * Compares what each tenant's Worker would be deployed as now (rendered from the current tenant
 * configs and apps/gateway/wrangler.jsonc) with the snapshot its last deploy recorded in
 * `deployments/<env>/<tenant>.json`. Prints the differences; exits 1 on any drift.
 *
 *   tsx scripts/deploy/drift.ts --env staging|production [--tenant <id>]
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseEnvironment } from './lib/cli.ts';
import { defaultWorkspace, planDeploy, snapshotPath } from './lib/deploy.ts';
import { environmentTenants } from './lib/environment.ts';
import { diffJson, formatChanges } from './lib/snapshot.ts';

const { values } = parseArgs({ options: { env: { type: 'string' }, tenant: { type: 'string' } } });
const environment = parseEnvironment(values.env);

const tenants = await environmentTenants(environment, defaultWorkspace);
if (!tenants.success) {
  console.error(tenants.message);
  process.exit(1);
}
const ids = values.tenant === undefined ? tenants.ids : [values.tenant];

let drifted = 0;
for (const id of ids) {
  const file = snapshotPath(environment, id);
  const planned = await planDeploy(id, environment, defaultWorkspace);
  if (!planned.success) {
    drifted += 1;
    console.log(`✗ ${id}: cannot render: ${planned.errors.join('; ')}`);
    continue;
  }
  let recorded: unknown;
  try {
    recorded = JSON.parse(await readFile(join(defaultWorkspace.root, file), 'utf8'));
  } catch {
    drifted += 1;
    console.log(`✗ ${id}: never deployed to ${environment} (no ${file})`);
    continue;
  }
  const changes = diffJson(recorded, planned.plan.snapshot);
  if (changes.length === 0) {
    console.log(`✓ ${id}: matches ${file}`);
  } else {
    drifted += 1;
    console.log(
      `✗ ${id}: ${changes.length} difference(s) between ${file} (deployed, -) and the current config (+):`,
    );
    console.log(formatChanges(changes));
  }
}
console.log(`\n${ids.length - drifted} in sync, ${drifted} drifted (${environment})`);
process.exit(drifted > 0 ? 1 : 0);
