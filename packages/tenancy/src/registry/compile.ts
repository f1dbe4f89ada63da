import { tenantConfigSchema, type Environment, type TenantConfig } from '../schema/tenant-config.ts';

/** One config file as read from disk: its repo-relative path and its parsed JSON. */
export interface TenantSource {
  file: string;
  data: unknown;
}

/** A reason the registry cannot be built, pointing at the file and the JSON path at fault. */
export interface RegistryIssue {
  file: string;
  /** JSON path in the file, e.g. `apiKeys[0].hash`; empty for the whole document. */
  path: string;
  message: string;
}

export interface CompiledRegistry {
  environment: Environment;
  tenants: TenantConfig[];
}

export type CompileResult =
  { success: true; registry: CompiledRegistry } | { success: false; issues: RegistryIssue[] };

/**
 * Validates every tenant config and builds the registry for one environment. All configs are
 * validated (and checked against each other) whatever the environment, so a bad production config
 * also fails a development build instead of waiting for the deploy.
 */
export function compileRegistry(sources: TenantSource[], environment: Environment): CompileResult {
  const issues: RegistryIssue[] = [];
  const valid: { file: string; tenant: TenantConfig }[] = [];

  for (const source of sources) {
    const parsed = tenantConfigSchema.safeParse(source.data);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        issues.push({ file: source.file, path: formatPath(issue.path), message: issue.message });
      }
      continue;
    }
    const folder = source.file.split('/').at(-2);
    if (folder !== undefined && folder !== 'tenants' && folder !== parsed.data.id) {
      issues.push({
        file: source.file,
        path: 'id',
        message: `tenant id "${parsed.data.id}" does not match its folder "${folder}"`,
      });
    }
    valid.push({ file: source.file, tenant: parsed.data });
  }

  issues.push(...crossTenantIssues(valid));
  if (issues.length > 0) return { success: false, issues };

  const tenants = valid
    .map((entry) => entry.tenant)
    .filter((tenant) => tenant.environments.includes(environment))
    .sort((a, b) => a.id.localeCompare(b.id));
  return { success: true, registry: { environment, tenants } };
}

/** Ids, hosts and key hashes must be unique across all tenants, not only within one. */
function crossTenantIssues(entries: { file: string; tenant: TenantConfig }[]): RegistryIssue[] {
  const issues: RegistryIssue[] = [];
  const ids = new Map<string, string>();
  const hosts = new Map<string, string>();
  const hashes = new Map<string, string>();

  for (const { file, tenant } of entries) {
    const idOwner = ids.get(tenant.id);
    if (idOwner !== undefined) {
      issues.push({ file, path: 'id', message: `duplicate tenant id "${tenant.id}" (also in ${idOwner})` });
    }
    ids.set(tenant.id, file);

    tenant.hosts.forEach((host, index) => {
      const owner = hosts.get(host);
      if (owner !== undefined) {
        issues.push({
          file,
          path: `hosts[${index}]`,
          message: `host "${host}" is already mapped by ${owner}`,
        });
      }
      hosts.set(host, file);
    });

    tenant.apiKeys.forEach((key, index) => {
      const owner = hashes.get(key.hash);
      if (owner !== undefined) {
        issues.push({
          file,
          path: `apiKeys[${index}].hash`,
          message: `duplicate API key hash (also used in ${owner}); every key must be unique`,
        });
      }
      hashes.set(key.hash, file);
    });
  }
  return issues;
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? String(segment) : `.${String(segment)}`;
  }
  return out;
}

export function formatRegistryIssues(issues: RegistryIssue[]): string {
  return issues.map((issue) => `${issue.file}: ${issue.path || '(root)'}: ${issue.message}`).join('\n');
}

/** Re-exported for the build script, which reports JSON syntax errors the same way. */
export const jsonIssue = (file: string, error: unknown): RegistryIssue => ({
  file,
  path: '',
  message: `not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
});
