import { createRoute, z } from '@hono/zod-openapi';
import { SCOPES } from '@aigw/tenancy';
import type { GatewayApp } from '../context.ts';
import { errorResponses } from './openapi.ts';

const tenantSummary = z
  .object({
    tenant: z.object({
      id: z.string(),
      name: z.string(),
      status: z.enum(['active', 'suspended']),
      features: z.object({ rag: z.boolean(), tools: z.boolean(), tts: z.boolean() }),
      models: z.object({ default: z.string(), fallbacks: z.array(z.string()), allowed: z.array(z.string()) }),
      limits: z.object({ maxBodyBytes: z.number().int() }),
    }),
    key: z.object({
      id: z.string(),
      label: z.string(),
      scopes: z.array(z.enum(SCOPES)),
      expiresAt: z.string().nullable(),
    }),
  })
  .openapi('TenantSummary');

const tenantRoute = createRoute({
  method: 'get',
  path: '/tenant',
  tags: ['tenant'],
  summary: "The caller's tenant and key (never hashes). Any valid key may call it.",
  security: [{ bearer: [] }],
  responses: {
    200: { description: "The caller's tenant.", content: { 'application/json': { schema: tenantSummary } } },
    ...errorResponses,
  },
});

export function registerTenantRoutes(app: GatewayApp): void {
  app.openapi(tenantRoute, (c) => {
    const tenant = c.get('tenant');
    const key = c.get('apiKey');
    return c.json(
      {
        tenant: {
          id: tenant.id,
          name: tenant.name,
          status: tenant.status,
          features: tenant.features,
          models: {
            default: tenant.models.chat,
            fallbacks: tenant.models.fallbacks,
            allowed: tenant.models.allowed,
          },
          limits: { maxBodyBytes: tenant.limits.maxBodyBytes },
        },
        key: { id: key.id, label: key.label, scopes: key.scopes, expiresAt: key.expiresAt ?? null },
      },
      200,
    );
  });
}
