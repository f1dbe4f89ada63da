import { spawn } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser';
import type { CompiledRegistry, TenantConfig } from '@aigw/tenancy';
import type { DeployEnvironment, DeploymentConfig } from '@aigw/tenancy';
import { measureBundle, type BundleSize } from './bundle.ts';
import { credentialSources, resolveCredentials, wranglerEnv, type CredentialSources } from './credentials.ts';
import {
  formatRenderedConfig,
  renderWranglerConfig,
  type RenderedWorker,
  type WranglerConfig,
} from './render.ts';
import { buildSnapshot, type DeploymentSnapshot } from './snapshot.ts';
import { isRecord, loadTenants, readTenantFiles } from './tenants.ts';
import { describeIssue, validateTenant, type DeployIssue } from './validate.ts';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..');
export const GATEWAY_DIR = 'apps/gateway';

export interface Workspace {
  root: string;
  tenantsDir: string;
  /** The shared gateway's wrangler config, repo-relative. */
  baseConfig: string;
}

export const defaultWorkspace: Workspace = {
  root: ROOT,
  tenantsDir: join(ROOT, 'tenants'),
  baseConfig: `${GATEWAY_DIR}/wrangler.jsonc`,
};

/** Everything a deploy of one tenant needs, computed from the files without touching the network. */
export interface Plan {
  tenant: TenantConfig;
  environment: DeployEnvironment;
  deployment: DeploymentConfig;
  rendered: RenderedWorker;
  /** Repo-relative: `.deploy/<tenant>/<env>`. */
  outDir: string;
  /** The registry the Worker bundles: this tenant alone, or every shared tenant of the environment. */
  registry: CompiledRegistry;
  credentials: CredentialSources;
  snapshot: DeploymentSnapshot;
  /** Other shared tenants served by the same Worker (their snapshots change with this deploy). */
  coTenants: Plan[];
}

export type PlanResult = { success: true; plan: Plan } | { success: false; errors: string[] };

export async function readWranglerConfig(path: string): Promise<WranglerConfig> {
  const errors: ParseError[] = [];
  const value: unknown = parse(await readFile(path, 'utf8'), errors, { allowTrailingComma: true });
  if (errors.length > 0 || !isRecord(value)) {
    const first = errors[0];
    throw new Error(
      `${path}: not valid JSONC${first ? ` (${printParseErrorCode(first.error)} at offset ${first.offset})` : ''}`,
    );
  }
  return value;
}

/** Validates the tenant and everything it relies on, and renders its Worker config. Fails fast, with every reason at once. */
export async function planDeploy(
  tenantId: string,
  environment: DeployEnvironment,
  workspace: Workspace = defaultWorkspace,
): Promise<PlanResult> {
  const files = await readTenantFiles(workspace.root, workspace.tenantsDir);
  const loaded = loadTenants(files, environment);
  if (!loaded.success) return { success: false, errors: [loaded.message] };

  const tenant = loaded.registry.tenants.find((t) => t.id === tenantId);
  if (tenant === undefined) {
    const source = files.sources.find((s) => s.file.split('/').at(-2) === tenantId);
    const issue: DeployIssue =
      source === undefined
        ? { code: 'tenant_not_found', tenant: tenantId }
        : {
            code: 'not_in_environment',
            tenant: tenantId,
            environment,
            environments:
              isRecord(source.data) && Array.isArray(source.data['environments'])
                ? source.data['environments'].map(String)
                : [],
          };
    return { success: false, errors: [describeIssue(issue)] };
  }

  const base = await readWranglerConfig(join(workspace.root, workspace.baseConfig));
  const deploymentOf = (id: string): DeploymentConfig => {
    const deployment = loaded.deployments.get(id);
    if (deployment === undefined) throw new Error(`no deployment settings for ${id}`);
    return deployment;
  };
  const shared = loaded.registry.tenants.filter((t) => !t.demo && deploymentOf(t.id).mode === 'shared');

  const planFor = (subject: TenantConfig): Plan => {
    const deployment = deploymentOf(subject.id);
    const members = deployment.mode === 'dedicated' ? [subject] : shared;
    const outDir = `.deploy/${subject.id}/${environment}`;
    const rendered = renderWranglerConfig({
      base,
      baseDir: dirname(workspace.baseConfig),
      outDir,
      environment,
      tenantId: subject.id,
      deployment,
      secrets: members.flatMap((t) => deploymentOf(t.id).secrets),
    });
    const registry: CompiledRegistry = { environment, tenants: members };
    const credentials = credentialSources(subject.id, deployment);
    const snapshot = buildSnapshot({ tenant: subject.id, environment, rendered, credentials, registry });
    return {
      tenant: subject,
      environment,
      deployment,
      rendered,
      outDir,
      registry,
      credentials,
      snapshot,
      coTenants: [],
    };
  };

  const plan = planFor(tenant);
  const issues = validateTenant(tenant, environment, plan.rendered);
  if (plan.deployment.mode === 'shared') {
    // The shared Worker serves every shared tenant: one that cannot run in it blocks the deploy.
    for (const other of shared.filter((t) => t.id !== tenant.id)) {
      const co = planFor(other);
      issues.push(...validateTenant(other, environment, co.rendered));
      plan.coTenants.push(co);
    }
  }
  if (issues.length > 0) return { success: false, errors: issues.map(describeIssue) };
  return { success: true, plan };
}

export interface DeployOptions {
  dryRun: boolean;
  workspace?: Workspace;
  env?: Readonly<Record<string, string | undefined>>;
  /** Where wrangler's output lines go (prefixed); default stdout. */
  log?: (line: string) => void;
}

export type DeployResult =
  | {
      success: true;
      plan: Plan;
      bundle?: BundleSize;
      wranglerReported?: string;
      versionId?: string;
      snapshotFiles: string[];
    }
  | { success: false; plan?: Plan; errors: string[] };

/** Plans, writes `.deploy/<tenant>/<env>/` (config + registry module) and runs `wrangler deploy`. */
export async function deployTenant(
  tenantId: string,
  environment: DeployEnvironment,
  options: DeployOptions,
): Promise<DeployResult> {
  const workspace = options.workspace ?? defaultWorkspace;
  const env = options.env ?? process.env;
  const log =
    options.log ??
    ((line: string) => {
      console.log(line);
    });

  const planned = await planDeploy(tenantId, environment, workspace);
  if (!planned.success) return planned;
  const { plan } = planned;

  let credentials: { apiToken: string; accountId: string } | undefined;
  if (!options.dryRun) {
    const resolved = resolveCredentials(tenantId, plan.credentials, env);
    if (!resolved.success) return { success: false, plan, errors: resolved.issues.map(describeIssue) };
    credentials = resolved;
    log(`credentials: ${resolved.from.apiToken}, ${resolved.from.accountId}`);
  }

  const outDir = join(workspace.root, plan.outDir);
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  const configFile = join(outDir, 'wrangler.jsonc');
  await writeFile(configFile, formatRenderedConfig(plan.rendered, tenantId, environment, plan.outDir));

  const registry = await run(
    process.execPath,
    [
      join(workspace.root, 'node_modules/tsx/dist/cli.mjs'),
      'scripts/build-registry.ts',
      '--env',
      environment,
      '--tenants-dir',
      relative(workspace.root, workspace.tenantsDir),
      '--out',
      `${plan.outDir}/registry.ts`,
      '--only',
      plan.registry.tenants.map((t) => t.id).join(','),
    ],
    { cwd: workspace.root, env: { ...env } as Record<string, string>, log },
  );
  if (registry.code !== 0) return { success: false, plan, errors: ['registry build failed (output above)'] };

  const bundleDir = join(outDir, 'bundle');
  const args = ['deploy', '-c', relative(workspace.root, configFile)];
  if (options.dryRun) args.push('--dry-run', '--outdir', bundleDir);
  log(`wrangler ${args.join(' ')}`);
  const result = await run(join(workspace.root, 'node_modules/.bin/wrangler'), args, {
    cwd: workspace.root,
    env: wranglerEnv(env, credentials),
    log,
  });
  if (result.code !== 0)
    return { success: false, plan, errors: [`wrangler deploy exited with ${result.code}`] };
  const wranglerReported = /Total Upload: ([^\n]+)/.exec(result.output)?.[1]?.trim();

  if (options.dryRun) {
    return {
      success: true,
      plan,
      bundle: await measureBundle(bundleDir),
      ...(wranglerReported ? { wranglerReported } : {}),
      snapshotFiles: [],
    };
  }

  const versionId = /Current Version ID: (\S+)/.exec(result.output)?.[1];
  const commit = await gitHead(workspace.root);
  const deployedAt = new Date().toISOString();
  const snapshotFiles: string[] = [];
  for (const member of [plan, ...plan.coTenants]) {
    const file = snapshotPath(environment, member.tenant.id);
    await mkdir(dirname(join(workspace.root, file)), { recursive: true });
    const snapshot: DeploymentSnapshot & { versionId?: string } = {
      ...member.snapshot,
      deployedAt,
      ...(commit ? { commit } : {}),
      ...(versionId ? { versionId } : {}),
    };
    await writeFile(join(workspace.root, file), `${JSON.stringify(snapshot, null, 2)}\n`);
    snapshotFiles.push(file);
  }
  return {
    success: true,
    plan,
    ...(wranglerReported ? { wranglerReported } : {}),
    ...(versionId ? { versionId } : {}),
    snapshotFiles,
  };
}

export function snapshotPath(environment: DeployEnvironment, tenantId: string): string {
  return `deployments/${environment}/${tenantId}.json`;
}

async function gitHead(cwd: string): Promise<string | undefined> {
  const result = await run('git', ['rev-parse', 'HEAD'], {
    cwd,
    env: process.env as Record<string, string>,
    log: () => undefined,
  });
  return result.code === 0 ? result.output.trim() : undefined;
}

function run(
  command: string,
  args: string[],
  options: { cwd: string; env: Record<string, string>; log: (line: string) => void },
): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let pending = '';
    const onData = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      output += text;
      const lines = (pending + text).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines)
        if (line.trim() !== '' && !line.startsWith('npm warn')) options.log(`  │ ${line}`);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (error) => {
      options.log(`  │ ${error.message}`);
      resolve({ code: 127, output });
    });
    child.on('close', (code) => {
      if (pending.trim() !== '') options.log(`  │ ${pending}`);
      resolve({ code: code ?? 1, output });
    });
  });
}
