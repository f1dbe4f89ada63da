import { formatFiles, logger, writeJson, type GeneratorCallback, type Tree } from '@nx/devkit';
import {
  environmentSchema,
  formatPath,
  generateApiKey,
  hashApiKey,
  scopeSchema,
  tenantConfigSchema,
  type TenantConfigInput,
} from '@aigw/tenancy';
import { z } from 'zod';
import { splitList } from '../../utils/list.ts';

export interface TenantGeneratorSchema {
  id: string;
  name?: string;
  /** Comma-separated (the CLI) or a list (programmatic use). */
  environments?: string | string[];
  scopes?: string | string[];
  tenantsDir?: string;
}

export interface CreatedTenant {
  file: string;
  config: TenantConfigInput;
  /** The plaintext key: returned to the caller to print once, never written anywhere. */
  apiKey: string;
}

/**
 * Writes `tenants/<id>/tenant.config.json`, valid against the tenant schema, with one fresh API key
 * stored as its hash. The registry build reads every tenant folder, so the folder is the
 * registration: the gateway serves the tenant from its next build.
 */
export async function createTenant(tree: Tree, options: TenantGeneratorSchema): Promise<CreatedTenant> {
  const tenantsDir = options.tenantsDir ?? 'tenants';
  const id = options.id.trim();
  const environments = z
    .array(environmentSchema)
    .min(1)
    .parse(splitList(options.environments ?? 'development,staging'));
  const scopes = z
    .array(scopeSchema)
    .min(1)
    .parse(splitList(options.scopes ?? 'chat,search'));
  const file = `${tenantsDir}/${id}/tenant.config.json`;
  if (tree.exists(`${tenantsDir}/${id}`))
    throw new Error(`${tenantsDir}/${id} already exists; pick another id`);

  const apiKey = generateApiKey(id);
  const config: TenantConfigInput = {
    $schema: '../tenant.schema.json',
    id,
    name: options.name ?? id,
    environments,
    apiKeys: [
      {
        id: `${id}-default`,
        hash: await hashApiKey(apiKey),
        scopes,
        label: 'First key, created by nx g @aigw/nx-plugin:tenant',
        createdAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      },
    ],
  };
  const parsed = tenantConfigSchema.safeParse(config);
  if (!parsed.success) {
    const issues = parsed.error.issues.map(
      (issue) => `  ${formatPath(issue.path) || '(root)'}: ${issue.message}`,
    );
    throw new Error(`The tenant config would be invalid:\n${issues.join('\n')}`);
  }
  writeJson(tree, file, config);
  return { file, config, apiKey };
}

export async function tenantGenerator(
  tree: Tree,
  options: TenantGeneratorSchema,
): Promise<GeneratorCallback> {
  const created = await createTenant(tree, options);
  await formatFiles(tree);
  // Printed after the files are written (never on --dry-run, when nothing would hold its hash).
  return () => {
    logger.info(`Created ${created.file}.`);
    logger.info(`API key for tenant "${options.id}" (shown once; only its SHA-256 is stored):`);
    logger.info(`  ${created.apiKey}`);
    logger.info('Run `npm run registry` (or `npm run dev`) and the gateway serves it.');
  };
}

export default tenantGenerator;
