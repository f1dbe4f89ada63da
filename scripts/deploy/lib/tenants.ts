import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import {
  compileRegistry,
  formatPath,
  formatRegistryIssues,
  jsonIssue,
  type CompiledRegistry,
  type Environment,
  type RegistryIssue,
  type TenantSource,
} from '@aigw/tenancy';
import { deploymentSchema, type DeploymentConfig } from '@aigw/tenancy';

export interface TenantFiles {
  sources: TenantSource[];
  /** Each config's raw `deployment` section, by tenant folder (= tenant id, which the build enforces). */
  deployments: Map<string, { file: string; data: unknown }>;
  issues: RegistryIssue[];
}

/** Reads every `tenants/<id>/tenant.config.json`, as the registry build does. */
export async function readTenantFiles(root: string, tenantsDir: string): Promise<TenantFiles> {
  const out: TenantFiles = { sources: [], deployments: new Map(), issues: [] };
  const entries = await readdir(tenantsDir, { withFileTypes: true });
  for (const entry of entries.filter((e) => e.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    const configPath = join(tenantsDir, entry.name, 'tenant.config.json');
    const file = relative(root, configPath);
    const config = await readJson(configPath, file, out.issues);
    if (config === undefined) continue;
    out.sources.push({ file, data: config });

    const inline = isRecord(config) ? config['deployment'] : undefined;
    if (inline !== undefined) out.deployments.set(entry.name, { file, data: inline });
  }
  return out;
}

export type LoadResult =
  | {
      success: true;
      registry: CompiledRegistry;
      /** Every tenant id with a valid config, in any environment. */
      allTenantIds: string[];
      deployments: Map<string, DeploymentConfig>;
    }
  | { success: false; message: string };

/** Validates every tenant config (as `compileRegistry` does) and every deployment block, for one environment. */
export function loadTenants(files: TenantFiles, environment: Environment): LoadResult {
  const issues = [...files.issues];
  const compiled = compileRegistry(files.sources, environment);
  if (!compiled.success) issues.push(...compiled.issues);

  const deployments = new Map<string, DeploymentConfig>();
  for (const { file } of files.sources) {
    const id = file.split('/').at(-2) ?? '';
    const raw = files.deployments.get(id);
    const parsed = deploymentSchema.safeParse(raw?.data ?? {});
    if (parsed.success) deployments.set(id, parsed.data);
    else {
      for (const issue of parsed.error.issues) {
        issues.push({
          file,
          path: `deployment.${formatPath(issue.path)}`,
          message: issue.message,
        });
      }
    }
  }
  if (!compiled.success || issues.length > 0) {
    return { success: false, message: `Tenant configs are invalid:\n${formatRegistryIssues(issues)}` };
  }
  const allTenantIds = files.sources.map((source) => source.file.split('/').at(-2) ?? '');
  return { success: true, registry: compiled.registry, allTenantIds, deployments };
}

async function readJson(path: string, file: string, issues: RegistryIssue[]): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    issues.push({ file, path: '', message: 'missing tenant.config.json in a tenant folder' });
    return undefined;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    issues.push(jsonIssue(file, error));
    return undefined;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
