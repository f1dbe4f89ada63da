import type { TenantConfig } from '@aigw/tenancy';
import type { DeployEnvironment } from '@aigw/tenancy';
import type { RenderedWorker, WranglerConfig } from './render.ts';
import { isRecord } from './tenants.ts';

/** Bindings the gateway's code reads by these names (packages/ai, packages/rag). */
export const AI_BINDING = 'AI';
export const VECTORIZE_BINDING = 'VECTORIZE';

/** Why a tenant cannot be deployed as configured. The message is produced from the data. */
export type DeployIssue =
  | { code: 'tenant_not_found'; tenant: string }
  | { code: 'demo_tenant'; tenant: string }
  | { code: 'not_in_environment'; tenant: string; environment: DeployEnvironment; environments: string[] }
  | { code: 'workers_ai_without_binding'; tenant: string; model: string; environment: DeployEnvironment }
  | {
      code: 'feature_without_binding';
      tenant: string;
      feature: 'rag' | 'tts';
      binding: string;
      environment: DeployEnvironment;
    }
  | { code: 'undeclared_secret'; tenant: string; provider: string; secret: string }
  | { code: 'unisolated_binding'; tenant: string; kind: string }
  | {
      code: 'missing_credential';
      tenant: string;
      credential: 'API token' | 'account id';
      variables: string[];
    };

export function describeIssue(issue: DeployIssue): string {
  switch (issue.code) {
    case 'tenant_not_found':
      return `no tenant "${issue.tenant}" (expected tenants/${issue.tenant}/tenant.config.json)`;
    case 'demo_tenant':
      return `"${issue.tenant}" is a demo tenant; demo tenants exist only in development and are never deployed`;
    case 'not_in_environment':
      return `tenant "${issue.tenant}" does not list "${issue.environment}" in environments (it lists ${issue.environments.join(', ')})`;
    case 'workers_ai_without_binding':
      return `tenant "${issue.tenant}" uses Workers AI model "${issue.model}", but env.${issue.environment} of apps/gateway/wrangler.jsonc declares no "ai": { "binding": "${AI_BINDING}" }`;
    case 'feature_without_binding':
      return `tenant "${issue.tenant}" enables features.${issue.feature}, which needs the ${issue.binding} binding; env.${issue.environment} of apps/gateway/wrangler.jsonc does not declare it`;
    case 'undeclared_secret':
      return `providers.${issue.provider}.apiKeySecret names the Worker secret ${issue.secret}, which is not declared: add it to deployment.secrets of tenant "${issue.tenant}" (and set it with \`wrangler secret put ${issue.secret}\`)`;
    case 'unisolated_binding':
      return `tenant "${issue.tenant}" is dedicated, but the gateway declares ${issue.kind}, which the deploy script cannot give a Worker of its own; extend scripts/deploy/lib/render.ts first`;
    case 'missing_credential':
      return `no Cloudflare ${issue.credential} for tenant "${issue.tenant}": set ${issue.variables.join(' or ')}`;
  }
}

/** Checks a tenant against the Worker it will run in: every binding and secret its config relies on. */
export function validateTenant(
  tenant: TenantConfig,
  environment: DeployEnvironment,
  rendered: RenderedWorker,
): DeployIssue[] {
  const issues: DeployIssue[] = [];
  if (tenant.demo) issues.push({ code: 'demo_tenant', tenant: tenant.id });
  if (!tenant.environments.includes(environment)) {
    issues.push({
      code: 'not_in_environment',
      tenant: tenant.id,
      environment,
      environments: tenant.environments,
    });
  }
  const config = rendered.config;
  const hasAi = isRecord(config['ai']) && config['ai']['binding'] === AI_BINDING;
  const models = new Set([
    tenant.models.chat,
    ...[tenant.models.search, tenant.models.tools].filter((m): m is string => m !== undefined),
    ...tenant.models.allowed,
    ...tenant.models.fallbacks,
  ]);
  for (const model of [...models].sort()) {
    if (model.startsWith('workers-ai/') && !hasAi) {
      issues.push({ code: 'workers_ai_without_binding', tenant: tenant.id, model, environment });
    }
  }
  if (tenant.features.tts && !hasAi) {
    issues.push({
      code: 'feature_without_binding',
      tenant: tenant.id,
      feature: 'tts',
      binding: AI_BINDING,
      environment,
    });
  }
  if (tenant.features.rag && !hasBinding(config, 'vectorize', VECTORIZE_BINDING)) {
    issues.push({
      code: 'feature_without_binding',
      tenant: tenant.id,
      feature: 'rag',
      binding: VECTORIZE_BINDING,
      environment,
    });
  }
  const declared = requiredSecrets(config);
  for (const [provider, settings] of Object.entries(tenant.providers)) {
    if (
      settings.type === 'openai-compatible' &&
      settings.apiKeySecret !== undefined &&
      !declared.has(settings.apiKeySecret)
    ) {
      issues.push({ code: 'undeclared_secret', tenant: tenant.id, provider, secret: settings.apiKeySecret });
    }
  }
  for (const kind of rendered.unisolated)
    issues.push({ code: 'unisolated_binding', tenant: tenant.id, kind });
  return issues;
}

function hasBinding(config: WranglerConfig, key: string, binding: string): boolean {
  const value = config[key];
  return Array.isArray(value) && value.some((entry) => isRecord(entry) && entry['binding'] === binding);
}

function requiredSecrets(config: WranglerConfig): Set<string> {
  const secrets = config['secrets'];
  if (!isRecord(secrets) || !Array.isArray(secrets['required'])) return new Set();
  return new Set(secrets['required'].filter((name): name is string => typeof name === 'string'));
}
