/**
 * Deploys every non-demo tenant of one environment. One failure does not stop the others; the
 * shared gateway is deployed once however many shared tenants it serves. Ends with a summary table
 * and exits non-zero if any tenant failed.
 *
 *   tsx scripts/deploy/deploy-all.ts --env staging|production [--dry-run]
 */
import { parseArgs } from 'node:util';
import { outcome, parseEnvironment, table } from './lib/cli.ts';
import { deployTenant, defaultWorkspace, type DeployResult } from './lib/deploy.ts';
import { environmentTenants } from './lib/environment.ts';

const { values } = parseArgs({
  options: { env: { type: 'string' }, 'dry-run': { type: 'boolean', default: false } },
});
const environment = parseEnvironment(values.env);
const dryRun = values['dry-run'];

const tenants = await environmentTenants(environment, defaultWorkspace);
if (!tenants.success) {
  console.error(tenants.message);
  process.exit(1);
}
if (tenants.ids.length === 0) {
  console.log(`No non-demo tenants in ${environment}.`);
  process.exit(0);
}

const rows: string[][] = [];
const byWorker = new Map<string, DeployResult>();
let failed = 0;
for (const id of tenants.ids) {
  console.log(`\n== ${id} (${environment})`);
  let result: DeployResult;
  try {
    const worker = tenants.workers.get(id);
    const done = worker === undefined ? undefined : byWorker.get(worker);
    if (done?.success) {
      console.log(`served by ${worker ?? ''}, already deployed in this run`);
      result = done;
    } else {
      result = await deployTenant(id, environment, { dryRun });
      if (worker !== undefined) byWorker.set(worker, result);
    }
  } catch (error) {
    result = { success: false, errors: [error instanceof Error ? error.message : String(error)] };
  }
  if (!result.success) {
    failed += 1;
    for (const error of result.errors) console.error(`  - ${error}`);
  }
  rows.push([
    id,
    tenants.workers.get(id) ?? '?',
    result.success ? 'ok' : 'FAILED',
    outcome(result),
    result.success ? '' : (result.errors[0] ?? ''),
  ]);
}

console.log(`\n${dryRun ? 'Dry run' : 'Deploy'} summary (${environment}):\n`);
console.log(table(['tenant', 'worker', 'status', 'result', 'first error'], rows));
console.log(`\n${rows.length - failed} succeeded, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
