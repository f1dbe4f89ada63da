import {
  createKey,
  getKey,
  listKeys,
  revokeKey,
  rotateKey,
  updateKey,
  type ControlPlaneContext,
  type IssuedKey,
} from '@aigw/control-plane';
import type { Context } from 'hono';
import { GatewayError } from '@aigw/core';
import type { GatewayApp, GatewayEnv } from '../../context.ts';
import { controlPlaneContext } from '../../lib/control-plane.ts';
import { anyScope } from '../../middleware/tenant/index.ts';
import { defineKeyRoutes } from './definitions.ts';
import { createRoute, z } from '@hono/zod-openapi';
import { DASHBOARD_CSP, KEYS_HTML, KEYS_PAGE_PATH } from '../../dashboard/index.ts';

const routes = defineKeyRoutes(
  '/keys',
  {},
  {
    tag: 'keys',
    security: [{ bearer: [] }],
    middleware: [anyScope('keys', 'admin')],
    whose: "the caller's tenant (scope `keys` or `admin`; a key grants at most what it holds)",
  },
);

/** The caller's own tenant, as reviewed config (not the caller's narrowed view), and the caller as grantor. */
function ownTenant(c: Context<GatewayEnv>): ControlPlaneContext {
  const caller = c.get('caller');
  const tenant = c.get('registry').get(caller.tenant.id);
  // The tenant middleware resolved the caller from this registry, so its tenant is in it.
  if (tenant === undefined) throw new GatewayError('internal', 'The caller’s tenant left the registry.');
  return controlPlaneContext(c, tenant, { kind: 'key', caller });
}

/** `{ ...key, key: secret }`: the answer that holds the plaintext, once. */
export const withSecret = ({ key, secret }: IssuedKey) => ({ ...key, key: secret });

const pageRoute = createRoute({
  method: 'get',
  path: KEYS_PAGE_PATH,
  tags: ['keys'],
  summary:
    'The keys page: list, create (secret shown once), rotate, revoke. Public page; data needs a key with keys or admin.',
  responses: {
    200: {
      description: 'A self-contained HTML page (no external requests).',
      content: { 'text/html': { schema: z.string() } },
    },
  },
});

export function registerKeyRoutes(app: GatewayApp): void {
  app.openapi(pageRoute, (c) => {
    c.header('content-security-policy', DASHBOARD_CSP);
    c.header('cache-control', 'no-store');
    return c.html(KEYS_HTML, 200);
  });
  app.openapi(routes.create, async (c) =>
    c.json(withSecret(await createKey(ownTenant(c), c.req.valid('json'))), 201),
  );
  app.openapi(routes.list, async (c) => c.json({ keys: await listKeys(ownTenant(c)) }, 200));
  app.openapi(routes.get, async (c) => c.json(await getKey(ownTenant(c), c.req.valid('param').id), 200));
  app.openapi(routes.update, async (c) =>
    c.json(await updateKey(ownTenant(c), c.req.valid('param').id, c.req.valid('json')), 200),
  );
  app.openapi(routes.revoke, async (c) =>
    c.json(await revokeKey(ownTenant(c), c.req.valid('param').id), 200),
  );
  app.openapi(routes.rotate, async (c) =>
    c.json(withSecret(await rotateKey(ownTenant(c), c.req.valid('param').id, c.req.valid('json'))), 200),
  );
}
