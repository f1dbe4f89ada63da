import type { DeploymentConfig } from '@aigw/tenancy';
import type { DeployIssue } from './validate.ts';

/** The environment variables a deploy reads its Cloudflare credentials from, in order of preference. */
export interface CredentialSources {
  apiToken: string[];
  accountId: string[];
}

/** `acme-corp` → `ACME_CORP`: the suffix of a tenant's credential variables. */
export function envSuffix(tenantId: string): string {
  return tenantId.toUpperCase().replaceAll('-', '_');
}

/**
 * A dedicated tenant may live in its own Cloudflare account: `CLOUDFLARE_API_TOKEN_<TENANT>` and
 * `CLOUDFLARE_ACCOUNT_ID_<TENANT>` (or the names its deployment block gives), falling back to the
 * unsuffixed variables. A name set explicitly in the config has no fallback: it says "this other
 * account", and deploying to the default one instead would be wrong. The shared gateway is one
 * Worker in one account, so it reads only the unsuffixed variables.
 */
export function credentialSources(tenantId: string, deployment: DeploymentConfig): CredentialSources {
  if (deployment.mode === 'shared') {
    return { apiToken: ['CLOUDFLARE_API_TOKEN'], accountId: ['CLOUDFLARE_ACCOUNT_ID'] };
  }
  const suffix = envSuffix(tenantId);
  return {
    apiToken: deployment.apiTokenEnv
      ? [deployment.apiTokenEnv]
      : [`CLOUDFLARE_API_TOKEN_${suffix}`, 'CLOUDFLARE_API_TOKEN'],
    accountId: deployment.accountIdEnv
      ? [deployment.accountIdEnv]
      : [`CLOUDFLARE_ACCOUNT_ID_${suffix}`, 'CLOUDFLARE_ACCOUNT_ID'],
  };
}

export type ResolvedCredentials =
  | { success: true; apiToken: string; accountId: string; from: { apiToken: string; accountId: string } }
  | { success: false; issues: DeployIssue[] };

export function resolveCredentials(
  tenantId: string,
  sources: CredentialSources,
  env: Readonly<Record<string, string | undefined>>,
): ResolvedCredentials {
  const pick = (names: string[]) => {
    const name = names.find((n) => (env[n] ?? '').trim() !== '');
    return name === undefined ? undefined : { name, value: (env[name] ?? '').trim() };
  };
  const token = pick(sources.apiToken);
  const account = pick(sources.accountId);
  const issues: DeployIssue[] = [];
  if (!token)
    issues.push({
      code: 'missing_credential',
      tenant: tenantId,
      credential: 'API token',
      variables: sources.apiToken,
    });
  if (!account)
    issues.push({
      code: 'missing_credential',
      tenant: tenantId,
      credential: 'account id',
      variables: sources.accountId,
    });
  if (!token || !account) return { success: false, issues };
  return {
    success: true,
    apiToken: token.value,
    accountId: account.value,
    from: { apiToken: token.name, accountId: account.name },
  };
}

/**
 * The environment wrangler runs with: no credential inherited by accident, only the resolved ones
 * (or none, for a dry run, which needs no account).
 */
export function wranglerEnv(
  env: Readonly<Record<string, string | undefined>>,
  credentials: { apiToken: string; accountId: string } | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (
      value === undefined ||
      key.startsWith('CLOUDFLARE_API_TOKEN') ||
      key.startsWith('CLOUDFLARE_ACCOUNT_ID')
    )
      continue;
    if (key === 'CLOUDFLARE_API_KEY' || key === 'CLOUDFLARE_EMAIL') continue;
    out[key] = value;
  }
  out['WRANGLER_SEND_METRICS'] = 'false';
  if (credentials) {
    out['CLOUDFLARE_API_TOKEN'] = credentials.apiToken;
    out['CLOUDFLARE_ACCOUNT_ID'] = credentials.accountId;
  }
  return out;
}
