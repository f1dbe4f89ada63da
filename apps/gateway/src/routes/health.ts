import { createRoute, z } from '@hono/zod-openapi';
import type { GatewayApp } from '../context.ts';
import { GATEWAY_VERSION } from '../version.ts';

const healthResponse = z
  .object({
    status: z.literal('ok'),
    version: z.string(),
    environment: z.enum(['development', 'staging', 'production']),
  })
  .openapi('Health');

const healthRoute = createRoute({
  method: 'get',
  path: '/health',
  tags: ['system'],
  summary: 'Liveness and version. Public; returns no tenant data.',
  responses: {
    200: { description: 'The gateway is up.', content: { 'application/json': { schema: healthResponse } } },
  },
});

export function registerHealthRoutes(app: GatewayApp): void {
  app.openapi(healthRoute, (c) =>
    c.json({ status: 'ok' as const, version: GATEWAY_VERSION, environment: c.env.GATEWAY_ENV }, 200),
  );
}
