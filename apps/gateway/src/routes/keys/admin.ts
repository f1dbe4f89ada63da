import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import {
  createKey,
  getKey,
  listKeys,
  revokeKey,
  rotateKey,
  setTenantSuspended,
  updateKey,
  type ControlPlaneContext,
} from '@aigw/control-plane';
import { GatewayError } from '@aigw/core';
import type { GatewayApp, GatewayEnv } from '../../context.ts';
import { controlPlaneContext } from '../../lib/control-plane.ts';
import { errorResponses } from '../openapi.ts';
import { defineKeyRoutes } from './definitions.ts';
import { withSecret } from './keys.ts';

/**
 * The operator's control plane, for every tenant of this environment's registry: the same key
 * routes as `/keys`, and the run-time switch. The operator middleware (app.ts) guards every path
 * under `/admin/`; these routes only name the tenant.
 */

const tenantId = z
  .string()
  .min(1)
  .max(64)
  .openapi({ param: { name: 'tenantId', in: 'path' }, example: 'acme' });

const routes = defineKeyRoutes(
  '/admin/tenants/{tenantId}/keys',
  { tenantId },
  {
    tag: 'admin',
    security: [{ operator: [] }],
    middleware: [],
    whose: 'any tenant (operator key), within its config',
  },
);

const tenantSwitch = z
  .object({
    tenantId: z.string(),
    status: z.enum(['active', 'suspended']).describe('What requests see now (within the cache period).'),
    suspendedAtRunTime: z.boolean(),
    suspendedByConfig: z
      .boolean()
      .describe('The config itself suspends the tenant: only a deploy lifts that.'),
  })
  .openapi('TenantSwitch');

const switchRoute = (action: 'suspend' | 'resume') =>
  createRoute({
    method: 'post',
    path: `/admin/tenants/{tenantId}/${action}`,
    tags: ['admin'],
    summary:
      action === 'suspend'
        ? 'Suspends a tenant at run time: every request of it gets 403 tenant_suspended within the cache period.'
        : 'Lifts a run-time suspension (not one in the tenant config).',
    security: [{ operator: [] }],
    request: { params: z.object({ tenantId }) },
    responses: {
      200: { description: 'The tenant’s switch.', content: { 'application/json': { schema: tenantSwitch } } },
      404: { description: 'tenant_not_found', content: errorResponses[400].content },
      ...errorResponses,
    },
  });
const suspendRoute = switchRoute('suspend');
const resumeRoute = switchRoute('resume');

/** The named tenant of this environment (404 `tenant_not_found` otherwise), with the operator as grantor. */
function namedTenant(c: Context<GatewayEnv>, id: string): ControlPlaneContext {
  const tenant = c.get('registry').get(id);
  if (tenant === undefined) throw new GatewayError('tenant_not_found');
  return controlPlaneContext(c, tenant, { kind: 'operator' });
}

export function registerAdminRoutes(app: GatewayApp): void {
  app.openapi(routes.create, async (c) =>
    c.json(
      withSecret(await createKey(namedTenant(c, c.req.valid('param').tenantId), c.req.valid('json'))),
      201,
    ),
  );
  app.openapi(routes.list, async (c) =>
    c.json({ keys: await listKeys(namedTenant(c, c.req.valid('param').tenantId)) }, 200),
  );
  app.openapi(routes.get, async (c) => {
    const { tenantId: id, id: keyId } = c.req.valid('param');
    return c.json(await getKey(namedTenant(c, id), keyId), 200);
  });
  app.openapi(routes.update, async (c) => {
    const { tenantId: id, id: keyId } = c.req.valid('param');
    return c.json(await updateKey(namedTenant(c, id), keyId, c.req.valid('json')), 200);
  });
  app.openapi(routes.revoke, async (c) => {
    const { tenantId: id, id: keyId } = c.req.valid('param');
    return c.json(await revokeKey(namedTenant(c, id), keyId), 200);
  });
  app.openapi(routes.rotate, async (c) => {
    const { tenantId: id, id: keyId } = c.req.valid('param');
    return c.json(withSecret(await rotateKey(namedTenant(c, id), keyId, c.req.valid('json'))), 200);
  });
  app.openapi(suspendRoute, async (c) =>
    c.json(await setTenantSuspended(namedTenant(c, c.req.valid('param').tenantId), true), 200),
  );
  app.openapi(resumeRoute, async (c) =>
    c.json(await setTenantSuspended(namedTenant(c, c.req.valid('param').tenantId), false), 200),
  );
}
