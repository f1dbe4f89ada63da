import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { env } from 'cloudflare:workers';
import { TenantRegistry } from '@aigw/tenancy';
import { createApp } from '../src/app.ts';
import { ASSET_PATHS } from '../src/routes/assets.ts';
import { DOCS_PATH, OPENAPI_PATH } from '../src/routes/docs.ts';

interface OpenAPIDocument {
  openapi: string;
  paths: Record<string, Record<string, { security?: unknown[] }>>;
}

describe('OpenAPI', () => {
  it('serves an OpenAPI 3.1 document publicly', async () => {
    const res = await exports.default.fetch('http://127.0.0.1:8787/openapi.json');
    expect(res.status).toBe(200);
    const doc = await res.json<OpenAPIDocument>();
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.paths['/chat']?.post).toBeDefined();
  });

  it('documents every route the gateway serves', async () => {
    const app = createApp({ registry: new TenantRegistry({ environment: 'development', tenants: [] }) });
    const doc = await (await app.request('/openapi.json', {}, env)).json<OpenAPIDocument>();
    const undocumented = app.routes
      // The reference itself and the browser bundles pages load are not API operations.
      .filter(
        (route) => route.method !== 'ALL' && ![OPENAPI_PATH, DOCS_PATH, ...ASSET_PATHS].includes(route.path),
      )
      .map((route) => `${route.method} ${route.path}`)
      .filter((entry) => {
        const [method = '', path = ''] = entry.split(' ');
        // A Hono parameter with a pattern (`:model{.+}`) is still the one OpenAPI parameter.
        const openapiPath = path.replace(/:(\w+)(\{[^}]*\})?/g, '{$1}');
        return doc.paths[openapiPath]?.[method.toLowerCase()] === undefined;
      });
    expect(undocumented).toEqual([]);
  });

  it('serves an interactive reference page at /docs', async () => {
    const res = await exports.default.fetch('http://127.0.0.1:8787/docs');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('/openapi.json');
    expect(html.toLowerCase()).toContain('swagger');
  });

  it('loads Swagger UI from this Worker only, and the Worker serves every file it names', async () => {
    const res = await exports.default.fetch('http://127.0.0.1:8787/docs');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await res.text();
    const urls = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] ?? '');
    expect(urls.length).toBeGreaterThanOrEqual(2);
    expect(urls.filter((url) => !url.startsWith('/assets/'))).toEqual([]);
    for (const url of urls) {
      // No key: the page and what it loads are public.
      const asset = await exports.default.fetch(`http://127.0.0.1:8787${url}`);
      expect(asset.status, url).toBe(200);
      expect(asset.headers.get('content-type'), url).toMatch(/^text\/(css|javascript)/);
      expect(asset.headers.get('cache-control'), url).toContain('immutable');
      expect((await asset.text()).length, url).toBeGreaterThan(10_000);
    }
    expect(ASSET_PATHS.some((path) => path.endsWith('/swagger-ui-bundle.js'))).toBe(true);
  });

  it('answers an unknown asset like any unknown path', async () => {
    const res = await exports.default.fetch('http://127.0.0.1:8787/assets/swagger-ui-dist@0.0.0/x.js');
    expect(res.status).toBe(401);
  });
});
