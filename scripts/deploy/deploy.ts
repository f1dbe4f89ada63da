/**
 * Deploys one tenant to one environment: validates its config and bindings, renders the Worker's
 * wrangler config into `.deploy/<tenant>/<env>/`, and runs `wrangler deploy` (the shared gateway or
 * the tenant's dedicated Worker, as its deployment settings say).
 *
 *   tsx scripts/deploy/deploy.ts --tenant <id> --env staging|production [--dry-run]
 *
 * Credentials: see lib/credentials.ts (CLOUDFLARE_API_TOKEN_<TENANT>, CLOUDFLARE_ACCOUNT_ID_<TENANT>,
 * falling back to CLOUDFLARE_API_TOKEN / CLOUDFLARE_ACCOUNT_ID). A dry run needs none.
 */
import { parseArgs } from 'node:util';
import { formatBytes } from './lib/bundle.ts';
import { outcome, parseEnvironment } from './lib/cli.ts';
import { deployTenant } from './lib/deploy.ts';

const { values } = parseArgs({
  options: {
    tenant: { type: 'string' },
    env: { type: 'string' },
    'dry-run': { type: 'boolean', default: false },
  },
});
if (values.tenant === undefined) {
  console.error('usage: deploy.ts --tenant <id> --env staging|production [--dry-run]');
  process.exit(2);
}
const environment = parseEnvironment(values.env);
const dryRun = values['dry-run'];

console.log(`${dryRun ? 'Dry run' : 'Deploy'}: tenant ${values.tenant}, ${environment}`);
const result = await deployTenant(values.tenant, environment, { dryRun });
if (!result.success) {
  console.error(`\nCannot deploy ${values.tenant} to ${environment}:`);
  for (const error of result.errors) console.error(`  - ${error}`);
  process.exit(1);
}
const { plan } = result;
console.log(
  `\n${plan.tenant.id} → ${plan.rendered.workerName} (${plan.rendered.mode}); registry: ${plan.registry.tenants.map((t) => t.id).join(', ')}`,
);
console.log(`config: ${plan.outDir}/wrangler.jsonc`);
if (result.bundle) {
  console.log(
    `bundle: ${result.bundle.files} file(s), ${formatBytes(result.bundle.bytes)}, gzip ${formatBytes(result.bundle.gzipBytes)}` +
      (result.wranglerReported ? ` (wrangler: ${result.wranglerReported})` : ''),
  );
}
for (const file of result.snapshotFiles) console.log(`snapshot: ${file}`);
console.log(outcome(result));
