/**
 * Compares what each tenant's Worker would be deployed as now (rendered from the current tenant
 * configs and apps/gateway/wrangler.jsonc) with the snapshot its last deploy recorded in
 * `deployments/<env>/<tenant>.json`. Prints the differences; exits 1 on any drift. Tenants never
 * deployed (no snapshot, as on a fresh clone) are listed and are not drift.
 *
 *   tsx scripts/deploy/drift.ts --env staging|production [--tenant <id>]
 */
import { parseArgs } from 'node:util';
import { parseEnvironment } from './lib/cli.ts';
import { driftReport } from './drift-report.ts';

const { values } = parseArgs({ options: { env: { type: 'string' }, tenant: { type: 'string' } } });
const environment = parseEnvironment(values.env);

const report = await driftReport({
  environment,
  ...(values.tenant === undefined ? {} : { tenants: [values.tenant] }),
});
for (const line of report.lines) console.log(line);
process.exit(report.exitCode);
