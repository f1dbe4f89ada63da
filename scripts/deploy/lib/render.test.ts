import { describe, expect, it } from 'vitest';
import { tenantConfigSchema, type TenantConfigInput } from '@aigw/tenancy';
import { deploymentSchema } from '@aigw/tenancy';
import { credentialSources, resolveCredentials, wranglerEnv } from './credentials.ts';
import { renderWranglerConfig, type WranglerConfig } from './render.ts';
import { diffJson, formatChanges } from './snapshot.ts';
import { describeIssue, validateTenant } from './validate.ts';

const base: WranglerConfig = {
  name: 'aigw-gateway',
  main: 'src/index.ts',
  compatibility_date: '2026-04-20',
  vars: { GATEWAY_ENV: 'development' },
  kv_namespaces: [{ binding: 'CACHE', id: 'devid' }],
  migrations: [{ tag: 'v1', new_sqlite_classes: ['SessionDO'] }],
  env: {
    staging: {
      name: 'aigw-gateway-staging',
      vars: { GATEWAY_ENV: 'staging' },
      kv_namespaces: [{ binding: 'CACHE', id: '0123456789abcdef0123456789abcdef' }],
      durable_objects: {
        bindings: [{ name: 'SESSIONS', class_name: 'SessionDO', script_name: 'aigw-gateway-staging' }],
      },
      vectorize: [{ binding: 'VECTORIZE', index_name: 'aigw-staging' }],
      analytics_engine_datasets: [{ binding: 'USAGE_EVENTS', dataset: 'aigw_usage_staging' }],
    },
    production: {
      name: 'aigw-gateway-production',
      vars: { GATEWAY_ENV: 'production' },
      ai: { binding: 'AI' },
    },
  },
};

const tenant = (overrides: Partial<TenantConfigInput> = {}) =>
  tenantConfigSchema.parse({
    id: 'initech',
    name: 'Initech',
    environments: ['staging', 'production'],
    apiKeys: [
      { id: 'k', hash: 'a'.repeat(64), scopes: ['chat'], label: 'k', createdAt: '2026-11-22T00:00:00Z' },
    ],
    ...overrides,
  });

const render = (
  mode: 'shared' | 'dedicated',
  environment: 'staging' | 'production' = 'staging',
  extra = {},
) =>
  renderWranglerConfig({
    base,
    baseDir: 'apps/gateway',
    outDir: '.deploy/initech/staging',
    environment,
    tenantId: 'initech',
    deployment: deploymentSchema.parse({ mode, ...extra }),
    secrets: [],
  });

describe('renderWranglerConfig', () => {
  it('shared: the gateway environment as declared, flat, with the registry aliased', () => {
    const { workerName, config } = render('shared');
    expect(workerName).toBe('aigw-gateway-staging');
    expect(config).toMatchObject({
      name: 'aigw-gateway-staging',
      main: '../../../apps/gateway/src/index.ts',
      vars: { GATEWAY_ENV: 'staging' },
      kv_namespaces: [{ binding: 'CACHE', id: '0123456789abcdef0123456789abcdef' }],
      vectorize: [{ binding: 'VECTORIZE', index_name: 'aigw-staging' }],
      migrations: [{ tag: 'v1', new_sqlite_classes: ['SessionDO'] }],
      alias: { './generated/registry.ts': './registry.ts' },
    });
    expect(config['env']).toBeUndefined();
  });

  it('never carries top-level bindings into an environment that does not declare them', () => {
    const { config } = render('shared', 'production');
    expect(config['kv_namespaces']).toBeUndefined();
    expect(config['ai']).toEqual({ binding: 'AI' });
  });

  it('dedicated: own worker name and own KV, Vectorize, Analytics and Durable Object namespaces', () => {
    const { workerName, config } = render('dedicated');
    expect(workerName).toBe('aigw-initech-staging');
    expect(config['name']).toBe('aigw-initech-staging');
    expect(config['kv_namespaces']).toEqual([{ binding: 'CACHE' }]);
    expect(config['vectorize']).toEqual([
      { binding: 'VECTORIZE', index_name: 'aigw-initech-staging-vectorize' },
    ]);
    expect(config['analytics_engine_datasets']).toEqual([
      { binding: 'USAGE_EVENTS', dataset: 'aigw_initech_staging_usage_events' },
    ]);
    expect(config['durable_objects']).toEqual({ bindings: [{ name: 'SESSIONS', class_name: 'SessionDO' }] });
  });

  it('dedicated: worker name override, KV ids, custom domains and routes per environment', () => {
    const { config } = render('dedicated', 'staging', {
      workerName: 'initech-ai',
      kvNamespaces: { staging: { CACHE: 'f'.repeat(32) } },
      customDomains: { staging: ['ai.staging.initech.example'], production: ['ai.initech.example'] },
      routes: { staging: [{ pattern: 'initech.example/ai/*', zoneName: 'initech.example' }] },
    });
    expect(config['name']).toBe('initech-ai-staging');
    expect(config['kv_namespaces']).toEqual([{ binding: 'CACHE', id: 'f'.repeat(32) }]);
    expect(config['routes']).toEqual([
      { pattern: 'ai.staging.initech.example', custom_domain: true },
      { pattern: 'initech.example/ai/*', zone_name: 'initech.example' },
    ]);
  });
});

describe('deploymentSchema', () => {
  it('defaults to shared and refuses dedicated-only settings in shared mode', () => {
    expect(deploymentSchema.parse({}).mode).toBe('shared');
    const result = deploymentSchema.safeParse({
      accountIdEnv: 'CF_ACCOUNT_OTHER',
      customDomains: { production: ['a.example.com'] },
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join('.'))).toEqual(['accountIdEnv', 'customDomains']);
  });
});

describe('credentials', () => {
  it('dedicated tenants read per-tenant variables, falling back to the unsuffixed ones', () => {
    const sources = credentialSources('acme-corp', deploymentSchema.parse({ mode: 'dedicated' }));
    expect(sources).toEqual({
      apiToken: ['CLOUDFLARE_API_TOKEN_ACME_CORP', 'CLOUDFLARE_API_TOKEN'],
      accountId: ['CLOUDFLARE_ACCOUNT_ID_ACME_CORP', 'CLOUDFLARE_ACCOUNT_ID'],
    });
    const resolved = resolveCredentials('acme-corp', sources, {
      CLOUDFLARE_API_TOKEN_ACME_CORP: 'tenant-token',
      CLOUDFLARE_API_TOKEN: 'default-token',
      CLOUDFLARE_ACCOUNT_ID: 'default-account',
    });
    expect(resolved).toMatchObject({ success: true, apiToken: 'tenant-token', accountId: 'default-account' });
  });

  it('an explicit account variable has no fallback; shared tenants use the gateway account', () => {
    const explicit = credentialSources(
      'acme',
      deploymentSchema.parse({ mode: 'dedicated', accountIdEnv: 'ACME_ACCOUNT' }),
    );
    expect(explicit.accountId).toEqual(['ACME_ACCOUNT']);
    const missing = resolveCredentials('acme', explicit, {
      CLOUDFLARE_API_TOKEN: 't',
      CLOUDFLARE_ACCOUNT_ID: 'a',
    });
    expect(missing.success).toBe(false);
    if (!missing.success)
      expect(missing.issues.map(describeIssue)).toEqual([
        'no Cloudflare account id for tenant "acme": set ACME_ACCOUNT',
      ]);
    expect(credentialSources('acme', deploymentSchema.parse({}))).toEqual({
      apiToken: ['CLOUDFLARE_API_TOKEN'],
      accountId: ['CLOUDFLARE_ACCOUNT_ID'],
    });
  });

  it('wrangler runs with only the resolved credentials', () => {
    const env = wranglerEnv(
      { PATH: '/bin', CLOUDFLARE_API_TOKEN_OTHER: 'x', CLOUDFLARE_API_TOKEN: 'y' },
      { apiToken: 't', accountId: 'a' },
    );
    expect(env).toEqual({
      PATH: '/bin',
      WRANGLER_SEND_METRICS: 'false',
      CLOUDFLARE_API_TOKEN: 't',
      CLOUDFLARE_ACCOUNT_ID: 'a',
    });
  });
});

describe('validateTenant', () => {
  it('fails a Workers AI model in an environment without the AI binding', () => {
    const t = tenant({
      models: {
        chat: 'workers-ai/@cf/meta/llama-3.1-8b-instruct',
        allowed: ['workers-ai/@cf/meta/llama-3.1-8b-instruct'],
      },
    });
    const issues = validateTenant(t, 'staging', render('dedicated'));
    expect(issues.map((i) => i.code)).toEqual(['workers_ai_without_binding']);
    expect(describeIssue(issues[0] ?? { code: 'tenant_not_found', tenant: '' })).toContain(
      'declares no "ai"',
    );
    expect(validateTenant(t, 'production', render('dedicated', 'production'))).toEqual([]);
  });

  it('fails an apiKeySecret that is not declared, and passes once deployment.secrets declares it', () => {
    const t = tenant({
      providers: {
        groq: {
          type: 'openai-compatible',
          baseUrl: 'https://api.groq.example/v1',
          apiKeySecret: 'GROQ_API_KEY',
        },
      },
    });
    expect(validateTenant(t, 'production', render('dedicated', 'production')).map((i) => i.code)).toEqual([
      'undeclared_secret',
    ]);
    const declared = renderWranglerConfig({
      base,
      baseDir: 'apps/gateway',
      outDir: '.deploy/x/production',
      environment: 'production',
      tenantId: 'initech',
      deployment: deploymentSchema.parse({ mode: 'dedicated', secrets: ['GROQ_API_KEY'] }),
      secrets: ['GROQ_API_KEY'],
    });
    expect(declared.config['secrets']).toEqual({ required: ['GROQ_API_KEY'] });
    expect(validateTenant(t, 'production', declared)).toEqual([]);
  });

  it('fails features whose binding the environment lacks, and an environment the tenant does not list', () => {
    const t = tenant({ environments: ['staging'], features: { rag: true, tts: true } });
    expect(validateTenant(t, 'production', render('dedicated', 'production')).map((i) => i.code)).toEqual([
      'not_in_environment',
      'feature_without_binding',
    ]);
  });
});

describe('diffJson', () => {
  it('reports added, removed and changed paths, ignoring deploy time and commit', () => {
    const changes = diffJson(
      { deployedAt: '1', wrangler: { name: 'a', vars: { X: '1' }, routes: [{ pattern: 'p' }] } },
      { wrangler: { name: 'b', vars: {}, routes: [{ pattern: 'p' }, { pattern: 'q' }] } },
    );
    expect(formatChanges(changes).split('\n')).toEqual([
      '  ~ wrangler.name: "a" → "b"',
      '  + wrangler.routes[1]: {"pattern":"q"}',
      '  - wrangler.vars.X: "1"',
    ]);
  });
});
