import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';

// The deployed Worker over the generated development registry (the demo tenants).
const worker = exports.default;

describe('the Worker', () => {
  it('serves /health publicly with status and version, no tenant data', async () => {
    const res = await worker.fetch('http://127.0.0.1:8787/health');
    expect(res.status).toBe(200);
    const body = await res.json<Record<string, unknown>>();
    expect(Object.keys(body).sort()).toEqual(['environment', 'status', 'version']);
    expect(body).toMatchObject({ status: 'ok', environment: 'development' });
    expect(body['version']).toMatch(/^\d+\.\d+\.\d+/);
  });

  it.each([
    ['gwk_demo_acme', 'acme', ['chat', 'search', 'ingest', 'tools', 'logs', 'keys', 'admin']],
    ['gwk_demo_globex', 'globex', ['chat', 'search', 'ingest']],
  ])('accepts the demo key %s for %s', async (key, tenantId, scopes) => {
    const res = await worker.fetch('http://127.0.0.1:8787/tenant', {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(res.status).toBe(200);
    const body = await res.json<{ tenant: { id: string }; key: { scopes: string[] } }>();
    expect(body.tenant.id).toBe(tenantId);
    expect(body.key.scopes).toEqual(scopes);
  });

  it('refuses the acme demo key on the globex host', async () => {
    const res = await worker.fetch('http://globex.localhost:8787/tenant', {
      headers: { authorization: 'Bearer gwk_demo_acme' },
    });
    expect(res.status).toBe(403);
  });

  it('answers CORS preflight without a key', async () => {
    const res = await worker.fetch('http://127.0.0.1:8787/tenant', {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'GET' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
  });
});
