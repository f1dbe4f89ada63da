/**
 * CI's size check: dry-runs the Worker of every non-demo tenant in staging and production and fails
 * if a bundle exceeds the budget (3 MiB gzip, Cloudflare's Free-plan limit; see lib/bundle.ts).
 *
 *   tsx scripts/deploy/check-bundles.ts
 */
import { BUNDLE_BUDGET_GZIP_BYTES, formatBytes } from './lib/bundle.ts';
import { parseEnvironment, table } from './lib/cli.ts';
import { DEPLOY_ENVIRONMENTS } from '@aigw/tenancy';
import { deployTenant, defaultWorkspace } from './lib/deploy.ts';
import { environmentTenants } from './lib/environment.ts';

const rows: string[][] = [];
let failed = 0;
for (const environment of DEPLOY_ENVIRONMENTS.map((e) => parseEnvironment(e))) {
  const tenants = await environmentTenants(environment, defaultWorkspace);
  if (!tenants.success) {
    console.error(tenants.message);
    process.exit(1);
  }
  const seen = new Map<string, string[]>();
  for (const id of tenants.ids) {
    const worker = tenants.workers.get(id) ?? id;
    const known = seen.get(worker);
    if (known) {
      // The shared Worker is one bundle whatever tenant asked for it.
      rows.push([environment, id, worker, ...known.slice(3)]);
      continue;
    }
    console.log(`\n== ${id} (${environment})`);
    const result = await deployTenant(id, environment, { dryRun: true });
    let row: string[];
    if (!result.success || !result.bundle) {
      failed += 1;
      row = [
        environment,
        id,
        worker,
        '-',
        '-',
        `FAILED: ${result.success ? 'no bundle' : (result.errors[0] ?? '')}`,
      ];
    } else {
      const over = result.bundle.gzipBytes > BUNDLE_BUDGET_GZIP_BYTES;
      if (over) failed += 1;
      row = [
        environment,
        id,
        worker,
        formatBytes(result.bundle.bytes),
        formatBytes(result.bundle.gzipBytes),
        over ? 'OVER BUDGET' : 'ok',
      ];
    }
    seen.set(worker, row);
    rows.push(row);
  }
}

console.log(`\nBundle sizes (budget ${formatBytes(BUNDLE_BUDGET_GZIP_BYTES)} gzip per Worker):\n`);
console.log(
  rows.length > 0
    ? table(['env', 'tenant', 'worker', 'size', 'gzip', 'status'], rows)
    : '(no non-demo tenants)',
);
process.exit(failed > 0 ? 1 : 0);
