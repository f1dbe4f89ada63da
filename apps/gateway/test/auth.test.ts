import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { bearer, fixtureApp, KEYS } from './fixtures.ts';

interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
  requestId: string;
}

describe('tenant resolution', () => {
  it('resolves the tenant from a Bearer key', async () => {
    const { app } = await fixtureApp();
    const res = await app.request('/tenant', { headers: bearer(KEYS.alpha) }, env);
    expect(res.status).toBe(200);
    const body = await res.json<{ tenant: { id: string }; key: { id: string; scopes: string[] } }>();
    expect(body.tenant.id).toBe('alpha');
    expect(body.key.id).toBe('alpha-full');
  });

  it('resolves the tenant from x-api-key', async () => {
    const { app } = await fixtureApp();
    const res = await app.request('/tenant', { headers: { 'x-api-key': KEYS.beta } }, env);
    expect(res.status).toBe(200);
    expect((await res.json<{ tenant: { id: string } }>()).tenant.id).toBe('beta');
  });

  it('accepts a key whose expiry is in the future', async () => {
    const { app } = await fixtureApp();
    const res = await app.request('/tenant', { headers: bearer(KEYS.alphaFuture) }, env);
    expect(res.status).toBe(200);
  });

  const refusals: [string, Record<string, string>, number, string][] = [
    ['no credential', {}, 401, 'missing_api_key'],
    ['a non-Bearer Authorization scheme', { authorization: `Basic ${btoa('a:b')}` }, 401, 'missing_api_key'],
    ['an empty x-api-key', { 'x-api-key': '  ' }, 401, 'missing_api_key'],
    ['an unknown key', bearer('gwk_nope'), 401, 'invalid_api_key'],
    ['a disabled key', bearer(KEYS.alphaDisabled), 401, 'invalid_api_key'],
    ['an expired key', bearer(KEYS.alphaExpired), 401, 'invalid_api_key'],
    ['a suspended tenant', bearer(KEYS.suspended), 403, 'tenant_suspended'],
    ["another tenant's host", bearer(KEYS.alpha, { host: 'beta.example.com' }), 403, 'tenant_mismatch'],
    [
      "another tenant's host with a port",
      bearer(KEYS.alpha, { host: 'beta.example.com:8443' }),
      403,
      'tenant_mismatch',
    ],
    [
      'x-tenant-id naming another tenant',
      bearer(KEYS.alpha, { 'x-tenant-id': 'beta' }),
      403,
      'tenant_mismatch',
    ],
  ];

  it.each(refusals)('refuses %s', async (_label, headers, status, code) => {
    const { app } = await fixtureApp();
    const res = await app.request('/tenant', { headers }, env);
    expect(res.status).toBe(status);
    const body = await res.json<ErrorBody>();
    expect(body.error.code).toBe(code);
    expect(body.requestId).toBe(res.headers.get('x-request-id'));
  });

  it('never lets x-tenant-id select a tenant: the key decides', async () => {
    const { app } = await fixtureApp();
    const res = await app.request(
      '/tenant',
      { headers: bearer(KEYS.alpha, { 'x-tenant-id': 'alpha' }) },
      env,
    );
    expect((await res.json<{ tenant: { id: string } }>()).tenant.id).toBe('alpha');
  });

  it("serves a key on its own tenant's host and on unmapped hosts", async () => {
    const { app } = await fixtureApp();
    for (const host of ['alpha.example.com', 'gateway.example.net', '127.0.0.1:8787']) {
      const res = await app.request('/tenant', { headers: bearer(KEYS.alpha, { host }) }, env);
      expect(res.status, host).toBe(200);
    }
  });

  it('refuses a key outside its scopes with insufficient_scope, naming the scope', async () => {
    const { app } = await fixtureApp();
    const refused = await app.request('/scoped/admin', { headers: bearer(KEYS.alphaChatOnly) }, env);
    expect(refused.status).toBe(403);
    const body = await refused.json<ErrorBody>();
    expect(body.error.code).toBe('insufficient_scope');
    expect(body.error.details).toEqual({ required: 'admin', granted: ['chat'] });
    const allowed = await app.request('/scoped/admin', { headers: bearer(KEYS.alpha) }, env);
    expect(allowed.status).toBe(200);
  });

  it('lets any valid key read its own tenant summary, whatever its scopes', async () => {
    const { app } = await fixtureApp();
    const res = await app.request('/tenant', { headers: bearer(KEYS.alphaChatOnly) }, env);
    expect(res.status).toBe(200);
    expect((await res.json<{ key: { scopes: string[] } }>()).key.scopes).toEqual(['chat']);
  });

  it('never returns key hashes in the tenant summary', async () => {
    const { app } = await fixtureApp();
    const text = await (await app.request('/tenant', { headers: bearer(KEYS.alpha) }, env)).text();
    expect(text).not.toMatch(/[0-9a-f]{64}/);
    expect(text).not.toContain('hash');
  });

  it('refuses every tenant request when the registry was built for another environment', async () => {
    const { app } = await fixtureApp({ environment: 'production' });
    const res = await app.request('/tenant', { headers: bearer(KEYS.alpha) }, env);
    expect(res.status).toBe(500);
    expect((await res.json<ErrorBody>()).error.code).toBe('misconfigured');
  });
});
