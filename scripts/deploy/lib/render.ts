import { posix } from 'node:path';
import type { DeployEnvironment, DeploymentConfig } from '@aigw/tenancy';
import { isRecord } from './tenants.ts';

/** A wrangler config as JSON (the subset this renderer touches is typed where it is read). */
export type WranglerConfig = Record<string, unknown>;

/**
 * The gateway's entry imports its registry from this specifier; the rendered config aliases it
 * to the registry module built for the deploy, so one entry serves shared and dedicated Workers.
 */
export const REGISTRY_IMPORT = './generated/registry.ts';

/**
 * Keys wrangler does not inherit from the top level into a named environment: each environment
 * declares its own. The rendered config is flat (no `env`), so these come from the env section only.
 */
const NON_INHERITABLE = new Set([
  'define',
  'vars',
  'secrets',
  'durable_objects',
  'workflows',
  'kv_namespaces',
  'r2_buckets',
  'd1_databases',
  'vectorize',
  'hyperdrive',
  'services',
  'analytics_engine_datasets',
  'ai',
  'browser',
  'images',
  'media',
  'stream',
  'queues',
  'send_email',
  'unsafe',
  'mtls_certificates',
  'tail_consumers',
  'streaming_tail_consumers',
  'dispatch_namespaces',
  'pipelines',
  'secrets_store_secrets',
  'ratelimits',
  'worker_loaders',
  'version_metadata',
  'ai_search',
  'ai_search_namespaces',
  'vpc_services',
  'vpc_networks',
  'artifacts',
  'containers',
  'cloudchamber',
  'logfwdr',
  'unsafe_hello_world',
  'flagship',
]);

/** Storage a dedicated Worker cannot share with the gateway and that this renderer cannot rename. */
const UNISOLATED_STORAGE = ['r2_buckets', 'd1_databases', 'queues', 'hyperdrive', 'workflows', 'pipelines'];

export interface RenderInput {
  /** The gateway's wrangler config, parsed. */
  base: WranglerConfig;
  /** Repo-relative folder of the base config, e.g. `apps/gateway`. */
  baseDir: string;
  /** Repo-relative folder the rendered config is written to, e.g. `.deploy/initech/production`. */
  outDir: string;
  environment: DeployEnvironment;
  tenantId: string;
  deployment: DeploymentConfig;
  /** Worker secrets the deployed tenants need (this tenant's, or every shared tenant's). */
  secrets: readonly string[];
}

export interface RenderedWorker {
  mode: DeploymentConfig['mode'];
  workerName: string;
  config: WranglerConfig;
  /** Bindings left unisolated in a dedicated Worker: a validation error, not a silent share. */
  unisolated: string[];
}

export function dedicatedWorkerName(
  tenantId: string,
  deployment: DeploymentConfig,
  environment: DeployEnvironment,
): string {
  return `${deployment.workerName ?? `aigw-${tenantId}`}-${environment}`;
}

/**
 * Renders the flat wrangler config for one tenant and environment: the base config's top level,
 * minus what environments do not inherit, plus that environment's section. A dedicated Worker gets
 * its own name and its own resources (named after the Worker and the binding); a shared one is the
 * gateway's environment as declared.
 */
export function renderWranglerConfig(input: RenderInput): RenderedWorker {
  const { base, environment, deployment } = input;
  const envs = isRecord(base['env']) ? base['env'] : {};
  const section = envs[environment];
  if (!isRecord(section)) {
    throw new Error(`the gateway's wrangler config has no env.${environment} section`);
  }

  const config: WranglerConfig = {};
  for (const [key, value] of Object.entries(base)) {
    if (key === 'env' || key === '$schema' || NON_INHERITABLE.has(key)) continue;
    config[key] = structuredClone(value);
  }
  for (const [key, value] of Object.entries(section)) config[key] = structuredClone(value);

  const toOut = (path: string) => {
    const rel = posix.relative(input.outDir, posix.join(input.baseDir, path));
    return rel.startsWith('.') ? rel : `./${rel}`;
  };
  if (typeof config['main'] !== 'string') throw new Error('the gateway wrangler config has no main');
  config['main'] = toOut(config['main']);
  if (typeof config['tsconfig'] === 'string') config['tsconfig'] = toOut(config['tsconfig']);
  config['alias'] = {
    ...(isRecord(config['alias']) ? config['alias'] : {}),
    [REGISTRY_IMPORT]: './registry.ts',
  };

  const secrets = new Set([...readRequiredSecrets(config), ...input.secrets]);
  if (secrets.size > 0) config['secrets'] = { required: [...secrets].sort() };

  const unisolated: string[] = [];
  let workerName: string;
  if (deployment.mode === 'shared') {
    workerName =
      typeof config['name'] === 'string' ? config['name'] : `${String(base['name'])}-${environment}`;
  } else {
    workerName = dedicatedWorkerName(input.tenantId, deployment, environment);
    isolate(config, workerName, deployment.kvNamespaces[environment] ?? {});
    const routes = [
      ...(deployment.customDomains[environment] ?? []).map((host) => ({
        pattern: host,
        custom_domain: true,
      })),
      ...(deployment.routes[environment] ?? []).map((r) => ({ pattern: r.pattern, zone_name: r.zoneName })),
    ];
    if (routes.length > 0) config['routes'] = routes;
    else delete config['routes'];
    delete config['route'];
    for (const key of UNISOLATED_STORAGE) {
      const value = config[key];
      if (Array.isArray(value) && value.length > 0) unisolated.push(key);
    }
  }
  config['name'] = workerName;
  return { mode: deployment.mode, workerName, config: sortKeys(config), unisolated };
}

/** Gives a dedicated Worker its own KV, Vectorize, Analytics Engine and Durable Object namespaces. */
function isolate(config: WranglerConfig, workerName: string, kvIds: Record<string, string>): void {
  const suffix = (binding: unknown) => String(binding).toLowerCase().replaceAll('_', '-');
  for (const kv of records(config['kv_namespaces'])) {
    const id = kvIds[String(kv['binding'])];
    // No id: wrangler provisions a namespace for this Worker on its first deploy.
    if (id === undefined) delete kv['id'];
    else kv['id'] = id;
    delete kv['preview_id'];
  }
  for (const index of records(config['vectorize'])) {
    index['index_name'] = `${workerName}-${suffix(index['binding'])}`;
  }
  for (const dataset of records(config['analytics_engine_datasets'])) {
    dataset['dataset'] = `${workerName}-${suffix(dataset['binding'])}`.replaceAll('-', '_');
  }
  // A Durable Object namespace belongs to the Worker that exports the class: without a
  // script_name, the dedicated Worker's own classes (and their storage) are used.
  const durableObjects = config['durable_objects'];
  if (isRecord(durableObjects)) {
    for (const binding of records(durableObjects['bindings'])) {
      delete binding['script_name'];
      delete binding['environment'];
    }
  }
}

function readRequiredSecrets(config: WranglerConfig): string[] {
  const secrets = config['secrets'];
  if (!isRecord(secrets) || !Array.isArray(secrets['required'])) return [];
  return secrets['required'].filter((name): name is string => typeof name === 'string');
}

function records(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

/** Stable key order so the rendered file and its snapshot diff cleanly. */
function sortKeys(config: WranglerConfig): WranglerConfig {
  const first = ['name', 'main', 'compatibility_date', 'compatibility_flags'];
  const keys = [
    ...first.filter((k) => k in config),
    ...Object.keys(config)
      .filter((k) => !first.includes(k))
      .sort(),
  ];
  return Object.fromEntries(keys.map((key) => [key, config[key]]));
}

/** The rendered file: a header saying where it came from, then the config as JSON. */
export function formatRenderedConfig(
  rendered: RenderedWorker,
  tenantId: string,
  environment: DeployEnvironment,
  outDir: string,
): string {
  const schemaPath = posix.relative(outDir, 'node_modules/wrangler/config-schema.json');
  return [
    `// Rendered by scripts/deploy for tenant "${tenantId}", environment "${environment}" (${rendered.mode}). Do not edit:`,
    '// it is rewritten on every deploy from apps/gateway/wrangler.jsonc and the tenant config.',
    JSON.stringify({ $schema: schemaPath, ...rendered.config }, null, 2),
    '',
  ].join('\n');
}
