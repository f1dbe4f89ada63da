import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import {
  OPERATOR_KEY,
  TTL_MS,
  json,
  keysWorld,
  type ErrorBody,
  type Issued,
  type Isolate,
} from './support.ts';

/** Paths that need no key, or the operator's: not a tenant's routes. */
const NOT_TENANT = /^\/(health|openapi\.json|docs|dashboard|assets\/|admin\/)/;

/** Every tenant route the app registered, with its parameters filled in. */
function tenantRoutes(gw: Isolate): [string, string][] {
  const seen = new Set<string>();
  const routes: [string, string][] = [];
  for (const route of gw.app.routes) {
    if (route.method === 'ALL' || route.path.includes('*') || NOT_TENANT.test(route.path)) continue;
    const path = route.path.replace(/:[A-Za-z]+/g, 'x1');
    if (seen.has(`${route.method} ${path}`)) continue;
    seen.add(`${route.method} ${path}`);
    routes.push([route.method, path]);
  }
  return routes;
}

/** The error code in any of the gateway's envelopes (native and OpenAI: `code`; Anthropic: `details.error_code`). */
function errorCode(body: unknown): string | undefined {
  const error = (body as { error?: { code?: string; details?: { error_code?: string } } }).error;
  return error?.code ?? error?.details?.error_code;
}

describe('the operator', () => {
  it('needs the operator key on every /admin/ path, and names tenants of this registry only', async () => {
    const world = await keysWorld();
    const gw = world.isolate();
    for (const key of [undefined, world.configKey(world.a, 'admin')]) {
      for (const path of [`/admin/tenants/${world.a}/keys`, '/admin/nothing-here']) {
        const res = await gw.request(path, key === undefined ? {} : { key });
        expect(res.status, `${path} with ${key ?? 'no key'}`).toBe(401);
      }
    }
    const unknown = await json<ErrorBody>(
      await gw.request('/admin/tenants/nobody/keys', { key: OPERATOR_KEY }),
      404,
    );
    expect(unknown.error.code).toBe('tenant_not_found');
    // The published development key is refused outside development.
    const prod = await gw.app.request(
      `/admin/tenants/${world.a}/keys`,
      { headers: { authorization: `Bearer ${OPERATOR_KEY}` } },
      { ...env, GATEWAY_ENV: 'production' },
    );
    expect(prod.status).toBe(500);
  });

  it("manages any tenant's keys within its config, audited as the operator", async () => {
    const world = await keysWorld();
    const gw = world.isolate();
    const base = `/admin/tenants/${world.b}/keys`;
    const key = await json<Issued>(
      await gw.request(base, { key: OPERATOR_KEY, body: { name: 'ops', scopes: ['admin'] } }),
      201,
    );
    expect(key.createdBy).toBe('operator');
    expect(key.key.startsWith(`gwk_${world.b}_`)).toBe(true);
    await json(
      await gw.request(`${base}/${key.id}`, { method: 'PATCH', key: OPERATOR_KEY, body: { name: 'ops 2' } }),
      200,
    );
    await json(
      await gw.request(`${base}/${key.id}/rotate`, { key: OPERATOR_KEY, body: { gracePeriodSeconds: 0 } }),
      200,
    );
    await json(await gw.request(`${base}/${key.id}`, { key: OPERATOR_KEY }), 200);
    await json(await gw.request(`${base}/${key.id}`, { method: 'DELETE', key: OPERATOR_KEY }), 200);
    // Tenant A's ids are not found under B.
    const a = await json<Issued>(
      await gw.request(`/admin/tenants/${world.a}/keys`, {
        key: OPERATOR_KEY,
        body: { name: 'a', scopes: ['chat'] },
      }),
      201,
    );
    expect((await gw.request(`${base}/${a.id}`, { key: OPERATOR_KEY })).status).toBe(404);
    const audit = await json<{ entries: { keyId: string; tool: string }[] }>(
      await gw.request('/audit', { key: world.configKey(world.b, 'admin') }),
      200,
    );
    expect(audit.entries.map((e) => [e.keyId, e.tool])).toEqual([
      ['operator', 'keys.create'],
      ['operator', 'keys.update'],
      ['operator', 'keys.rotate'],
      ['operator', 'keys.revoke'],
    ]);
  });

  it('suspends a tenant: every route refuses it within the cache period, for both kinds of key; resume lifts it', async () => {
    const world = await keysWorld();
    const runtime = await json<Issued>(
      await world.isolate().request('/keys', {
        key: world.configKey(world.a, 'admin'),
        body: { name: 'r', scopes: ['chat', 'keys'] },
      }),
      201,
    );
    const serving = world.isolate();
    const keys = [world.configKey(world.a, 'admin'), runtime.key];
    for (const key of keys) expect((await serving.request('/tenant', { key })).status).toBe(200);

    const operator = world.isolate();
    const suspended = await json<{ status: string }>(
      await operator.request(`/admin/tenants/${world.a}/suspend`, { key: OPERATOR_KEY, method: 'POST' }),
      200,
    );
    expect(suspended).toEqual({
      tenantId: world.a,
      status: 'suspended',
      suspendedAtRunTime: true,
      suspendedByConfig: false,
    });
    serving.advance(TTL_MS);

    const routes = tenantRoutes(serving);
    expect(routes.length).toBeGreaterThan(25);
    for (const key of keys) {
      for (const [method, path] of routes) {
        const res = await serving.request(path, {
          method,
          key,
          ...(method === 'GET' || method === 'DELETE' ? {} : { body: {} }),
        });
        expect(res.status, `${method} ${path}`).toBe(403);
        expect(errorCode(await res.json()), `${method} ${path}`).toBe('tenant_suspended');
      }
    }
    // Tenant B is untouched.
    expect((await serving.request('/tenant', { key: world.configKey(world.b, 'chat') })).status).toBe(200);

    await json(
      await operator.request(`/admin/tenants/${world.a}/resume`, { key: OPERATOR_KEY, method: 'POST' }),
      200,
    );
    serving.advance(TTL_MS);
    for (const key of keys) expect((await serving.request('/tenant', { key })).status).toBe(200);
    const audit = await json<{ entries: { tool: string; change?: { after: unknown } }[] }>(
      await serving.request('/audit', { key: world.configKey(world.a, 'admin') }),
      200,
    );
    expect(audit.entries.map((e) => e.tool)).toEqual(['keys.create', 'tenant.suspend', 'tenant.resume']);
    expect(
      await json(await serving.request('/audit/verify', { key: world.configKey(world.a, 'admin') }), 200),
    ).toMatchObject({
      ok: true,
      entries: 3,
    });
  });
});
