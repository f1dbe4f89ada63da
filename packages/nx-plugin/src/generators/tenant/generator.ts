import { formatFiles, logger, writeJson, type GeneratorCallback, type Tree } from '@nx/devkit';
import {
  ENVIRONMENTS,
  formatPath,
  generateApiKey,
  hashApiKey,
  SCOPES,
  tenantConfigSchema,
  type Environment,
  type Scope,
  type TenantConfigInput,
} from '@aigw/tenancy';
import { splitList } from '../../utils/list.ts';

export const DEFAULT_SCOPES = 'chat,search';
export const DEFAULT_ENVIRONMENTS = 'development,staging';

/**
 * `--scopes` / `--environments`: a comma-separated subset of `allowed`, checked against the lists
 * @aigw/tenancy defines, with an error that names every allowed value.
 */
function pickFrom<T extends string>(
  flag: string,
  value: string | readonly string[],
  allowed: readonly T[],
): T[] {
  const picked = splitList(value);
  const unknown = picked.filter((item) => !(allowed as readonly string[]).includes(item));
  if (unknown.length > 0 || picked.length === 0) {
    const what = unknown.length > 0 ? `unknown ${unknown.map((u) => `"${u}"`).join(', ')}` : 'none given';
    throw new Error(`--${flag}: ${what}; choose one or more of ${allowed.join(', ')} (comma-separated)`);
  }
  return picked as T[];
}

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
  const environments = pickFrom<Environment>(
    'environments',
    options.environments ?? DEFAULT_ENVIRONMENTS,
    ENVIRONMENTS,
  );
  const scopes = pickFrom<Scope>('scopes', options.scopes ?? DEFAULT_SCOPES, SCOPES);
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
    const key = created.config.apiKeys[0];
    logger.info(`Created ${created.file}.`);
    logger.info(
      `Its key has the scopes ${key?.scopes.join(', ') ?? ''} (choose with --scopes; all: ${SCOPES.join(',')}).`,
    );
    logger.info(`API key for tenant "${options.id}" (shown once; only its SHA-256 is stored):`);
    logger.info(`  ${created.apiKey}`);
    logger.info('Run `npm run registry` (or `npm run dev`) and the gateway serves it.');
  };
}

export default tenantGenerator;
