import { exports } from 'cloudflare:workers';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { TenantRegistry } from '@aigw/tenancy';
import { createApp } from '../src/app.ts';
import { registry as devRegistry } from '../src/generated/registry.ts';
import { chatApp } from './support/chat-app.ts';

interface Series {
  tenantId: string;
  total: {
    requests: number;
    errors: number;
    errorsByCode: Record<string, number>;
    outputTokens: number;
    costUsd: number;
  };
  groups?: { key: string; total: { requests: number } }[];
}

const range = () => {
  const now = Date.now();
  return `from=${new Date(now - 3_600_000).toISOString()}&to=${new Date(now + 60_000).toISOString()}`;
};

/** Usage events are recorded after the response (waitUntil); poll the series until they land. */
async function seriesUntil(
  fetchSeries: () => Promise<Series>,
  done: (s: Series) => boolean,
): Promise<Series> {
  let series = await fetchSeries();
  for (let i = 0; i < 50 && !done(series); i++) {
    await new Promise((r) => setTimeout(r, 20));
    series = await fetchSeries();
  }
  return series;
}

describe('usage series', () => {
  it("records every request of a tenant and serves only the caller's own series", async () => {
    const app = await chatApp({ tenant: { id: 'usage-a' } });
    app.upstream.script('primary', { kind: 'ok' }, { kind: 'ok' }, { kind: 'status', status: 400 });
    await app.post('/chat', { message: 'one', stream: false });
    await app.post('/chat', { message: 'two', stream: false });
    await app.post('/chat', { message: 'bad', model: 'upstream/nope' });
    const get = async (groupBy: 'model' | 'route') =>
      (
        await app.app.request(
          `/tenant/usage/series?${range()}&granularity=minute&groupBy=${groupBy}`,
          { headers: { authorization: 'Bearer gwk_test_chat_tenant' } },
          app.env,
        )
      ).json<Series>();
    // Events are written in batches a moment after the requests: poll until the chat route has them.
    const chatRequests = (s: Series) => s.groups?.find((g) => g.key === '/chat')?.total.requests ?? 0;
    const byRoute = await seriesUntil(
      () => get('route'),
      (s) => chatRequests(s) >= 3,
    );
    expect(byRoute.tenantId).toBe('usage-a');
    expect(chatRequests(byRoute)).toBe(3);
    expect(byRoute.total.errorsByCode).toEqual({ model_not_allowed: 1 });
    // The scripted upstream reports 7 completion tokens per answer.
    expect(byRoute.total.outputTokens).toBe(14);
    const byModel = await get('model');
    expect(byModel.groups?.find((g) => g.key === 'upstream/primary')?.total.requests).toBe(2);
  });

  it("keeps the gateway's own reads out of usage and groups refusals as refused before routing", async () => {
    const a = await chatApp({ tenant: { id: 'usage-c' } });
    const b = await chatApp({ tenant: { id: 'usage-d' } });
    a.upstream.script('primary', { kind: 'ok' });
    const read = (app: typeof a, path: string) =>
      app.app.request(path, { headers: { authorization: 'Bearer gwk_test_chat_tenant' } }, app.env);
    const series = async (app: typeof a, groupBy: 'model' | 'route') =>
      (
        await read(app, `/tenant/usage/series?${range()}&granularity=minute&groupBy=${groupBy}`)
      ).json<Series>();
    // What the dashboard does every few seconds, before any model traffic.
    for (let i = 0; i < 3; i++) {
      expect((await read(a, '/tenant')).status).toBe(200);
      expect((await read(a, '/tenant/usage')).status).toBe(200);
      await series(a, 'model');
    }
    await a.post('/chat', { message: 'one', stream: false });
    const refused = await a.post('/chat', { message: 'bad', model: 'upstream/nope' });
    expect(refused.status).toBe(400);

    const byModel = await seriesUntil(
      () => series(a, 'model'),
      (s) => s.total.requests >= 2,
    );
    expect(byModel.groups?.map((g) => [g.key, g.total.requests])).toEqual([
      ['refused before routing', 1],
      ['upstream/primary', 1],
    ]);
    expect(byModel.total).toMatchObject({ requests: 2, errors: 1, errorsByCode: { model_not_allowed: 1 } });
    const byRoute = await series(a, 'route');
    expect(byRoute.groups?.map((g) => g.key)).toEqual(['/chat']);
    // Tenant B, same key text in its own registry, sees none of A's traffic.
    const other = await series(b, 'model');
    expect(other.tenantId).toBe('usage-d');
    expect(other.total.requests).toBe(0);
    expect(other.groups).toEqual([]);
  });

  it('refuses a malformed range with invalid_request', async () => {
    const app = await chatApp({ tenant: { id: 'usage-b' } });
    const res = await app.app.request(
      '/tenant/usage/series?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z&granularity=minute',
      { headers: { authorization: 'Bearer gwk_test_chat_tenant' } },
      app.env,
    );
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 'invalid_request' } });
  });
});

describe('operator view', () => {
  const operatorKey = 'op-key-0123456789abcdef';
  const app = createApp({ registry: new TenantRegistry(devRegistry), logSink: () => undefined });

  it("needs the operator key, not a tenant's", async () => {
    const path = `/admin/tenants/usage?${range()}&granularity=hour`;
    const asTenant = await app.request(
      path,
      { headers: { authorization: 'Bearer gwk_demo_acme' } },
      { ...env, OPERATOR_API_KEY: operatorKey },
    );
    expect(asTenant.status).toBe(401);
    // Development sets a published operator key (wrangler.jsonc); without any key: misconfigured.
    const unset = await app.request(
      path,
      { headers: { authorization: `Bearer ${operatorKey}` } },
      { ...env, OPERATOR_API_KEY: undefined },
    );
    expect(unset.status).toBe(500);
    expect(await unset.json()).toMatchObject({ error: { code: 'misconfigured' } });
    const ok = await app.request(
      path,
      { headers: { authorization: `Bearer ${operatorKey}` } },
      { ...env, OPERATOR_API_KEY: operatorKey },
    );
    expect(ok.status).toBe(200);
    const body = await ok.json<{ tenants: { tenantId: string }[] }>();
    expect(body.tenants.map((t) => t.tenantId).sort()).toEqual(['acme', 'globex']);
  });
});

describe('dashboard', () => {
  it('is a public, self-contained page with a strict content security policy', async () => {
    const res = await exports.default.fetch('http://127.0.0.1:8787/dashboard');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await res.text();
    expect(html).toContain('/tenant/usage/series');
    expect(html).not.toMatch(/<script[^>]+src="(?!\/assets\/)|<link[^>]+href="https?:/);
    const chartJs = /<script[^>]+src="([^"]+)"/.exec(html)?.[1] ?? '';
    const script = await exports.default.fetch(`http://127.0.0.1:8787${chartJs}`);
    expect(script.status).toBe(200);
    expect(await script.text()).toContain('Chart.js v4');
  });
});
