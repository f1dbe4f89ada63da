import { z } from '@hono/zod-openapi';
import { createRoute } from '@hono/zod-openapi';
import { compileRegistry, hashApiKey, SCOPES, TenantRegistry, type TenantConfigInput } from '@aigw/tenancy';
import type { RequestLogLine } from '@aigw/core';
import { createApp, GATEWAY_ROUTES, type RouteModule } from '../src/app.ts';
import { scope } from '../src/middleware/tenant/index.ts';

/** Plaintext keys of the fixture tenants; their hashes go into the fixture registry. */
export const KEYS = {
  alpha: 'gwk_test_alpha_full',
  alphaChatOnly: 'gwk_test_alpha_chat',
  alphaDisabled: 'gwk_test_alpha_disabled',
  alphaExpired: 'gwk_test_alpha_expired',
  alphaFuture: 'gwk_test_alpha_future_expiry',
  beta: 'gwk_test_beta_full',
  suspended: 'gwk_test_suspended',
} as const;

const created = '2026-01-01T00:00:00Z';

async function key(id: string, plaintext: string, extra: Partial<TenantConfigInput['apiKeys'][number]> = {}) {
  return {
    id,
    hash: await hashApiKey(plaintext),
    scopes: [...SCOPES],
    label: id,
    createdAt: created,
    ...extra,
  };
}

export async function fixtureConfigs(): Promise<TenantConfigInput[]> {
  return [
    {
      id: 'alpha',
      name: 'Alpha',
      environments: ['development'],
      hosts: ['alpha.example.com'],
      limits: { maxBodyBytes: 2048 },
      apiKeys: [
        await key('alpha-full', KEYS.alpha),
        await key('alpha-chat', KEYS.alphaChatOnly, { scopes: ['chat'] }),
        await key('alpha-disabled', KEYS.alphaDisabled, { disabled: true }),
        await key('alpha-expired', KEYS.alphaExpired, { expiresAt: '2026-06-01T00:00:00Z' }),
        await key('alpha-future', KEYS.alphaFuture, { expiresAt: '2999-01-01T00:00:00Z' }),
      ],
    },
    {
      id: 'beta',
      name: 'Beta',
      environments: ['development'],
      hosts: ['beta.example.com'],
      apiKeys: [await key('beta-full', KEYS.beta)],
    },
    {
      id: 'gamma',
      name: 'Gamma',
      status: 'suspended',
      environments: ['development'],
      apiKeys: [await key('gamma-full', KEYS.suspended)],
    },
  ];
}

export async function fixtureRegistry(environment: 'development' | 'production' = 'development') {
  const configs = await fixtureConfigs();
  const result = compileRegistry(
    configs.map((data) => ({
      file: `tenants/${data.id}/tenant.config.json`,
      data: { ...data, environments: [environment] },
    })),
    environment,
  );
  if (!result.success) throw new Error(JSON.stringify(result.issues));
  return new TenantRegistry(result.registry);
}

/** A POST route that validates a JSON body, for body-handling tests independent of any feature. */
export const echoRoutes: RouteModule = (app) => {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/echo',
      request: {
        body: {
          required: true,
          content: {
            'application/json': {
              schema: z.object({ text: z.string().min(1), count: z.number().int().optional() }),
            },
          },
        },
      },
      responses: {
        200: {
          description: 'echo',
          content: { 'application/json': { schema: z.object({ text: z.string() }) } },
        },
      },
    }),
    (c) => c.json({ text: c.req.valid('json').text }, 200),
  );
  app.get('/scoped/admin', scope('admin'), (c) => c.json({ ok: true }));
  app.get('/explode', () => {
    throw new Error('secret internal detail: db password hunter2');
  });
};

export async function fixtureApp(options: { now?: Date; environment?: 'development' | 'production' } = {}) {
  const lines: RequestLogLine[] = [];
  const app = createApp({
    registry: await fixtureRegistry(options.environment),
    routes: [...GATEWAY_ROUTES, echoRoutes],
    logSink: (line) => lines.push(line),
    now: () => options.now ?? new Date('2026-11-22T00:00:00Z'),
  });
  return { app, lines };
}

export function bearer(key: string, extra: Record<string, string> = {}): Record<string, string> {
  return { authorization: `Bearer ${key}`, ...extra };
}
