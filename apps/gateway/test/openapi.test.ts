import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { env } from 'cloudflare:workers';
import { TenantRegistry } from '@aigw/tenancy';
import { createApp } from '../src/app.ts';

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
      .filter((route) => route.method !== 'ALL' && !['/openapi.json', '/docs'].includes(route.path))
      .map((route) => `${route.method} ${route.path}`)
      .filter((entry) => {
        const [method = '', path = ''] = entry.split(' ');
        const openapiPath = path.replace(/:(\w+)/g, '{$1}');
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
});
