import { env } from 'cloudflare:workers';
import { compileRegistry, hashApiKey, TenantRegistry, type TenantConfigInput } from '@aigw/tenancy';
import { createApp } from '../../src/app.ts';
import { fakeUpstream } from './fake-upstream.ts';

/** Two tenants with retrieval on (and one without), each key with every scope. */
export async function ragApp(options: { a?: Partial<TenantConfigInput>; suffix?: string } = {}) {
  const suffix = options.suffix ?? Math.random().toString(36).slice(2, 8);
  const key = async (id: string) => ({
    id: `${id}-key`,
    hash: await hashApiKey(`gwk_${id}`),
    scopes: ['chat' as const, 'search' as const, 'ingest' as const],
    label: id,
    createdAt: '2026-01-01T00:00:00Z',
  });
  const tenant = async (id: string, extra: Partial<TenantConfigInput> = {}): Promise<TenantConfigInput> => ({
    id,
    name: id,
    environments: ['development'],
    apiKeys: [await key(id)],
    features: { rag: true, tools: false, tts: false },
    ...extra,
  });
  const ids = { a: `rag-a-${suffix}`, b: `rag-b-${suffix}`, off: `rag-off-${suffix}` };
  const configs = [
    await tenant(ids.a, options.a),
    await tenant(ids.b),
    await tenant(ids.off, { features: { rag: false, tools: false, tts: false } }),
  ];
  const result = compileRegistry(
    configs.map((data) => ({ file: `tenants/${data.id}/tenant.config.json`, data })),
    'development',
  );
  if (!result.success) throw new Error(JSON.stringify(result.issues));
  const upstream = fakeUpstream();
  const app = createApp({
    registry: new TenantRegistry(result.registry),
    upstreamFetch: upstream.fetch,
    logSink: () => undefined,
  });
  const testEnv = { ...env, UPSTREAM_API_KEY: 'sk-test' };
  const call = async (tenantId: string, method: string, path: string, body?: unknown): Promise<Response> =>
    app.request(
      path,
      {
        method,
        headers: { authorization: `Bearer gwk_${tenantId}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      },
      testEnv,
    );
  return { app, ids, upstream, call, env: testEnv };
}

export const CORPUS = [
  {
    id: 'refunds',
    title: 'Refund policy',
    url: 'https://docs.example/refunds',
    text: '# Refunds\n\nCustomers can request a refund within 30 days of purchase. Refunds are paid to the original card within 5 business days.\n\n## Exceptions\n\nGift cards cannot be refunded.',
    metadata: { team: 'billing', year: 2026 },
  },
  {
    id: 'shipping',
    title: 'Shipping',
    text: 'We ship worldwide. Standard shipping takes 3 to 7 business days. Express shipping takes 1 to 2 days.',
    metadata: { team: 'logistics', year: 2025 },
  },
  {
    id: 'security',
    title: 'Account security',
    text: 'Turn on two-factor authentication in your account settings. Passwords must have at least 12 characters.',
    metadata: { team: 'security', year: 2026 },
  },
];
