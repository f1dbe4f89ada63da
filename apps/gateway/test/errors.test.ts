import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { OpenAPIHono } from '@hono/zod-openapi';
import { requestId } from 'hono/request-id';
import { ERROR_CODES, GatewayError, errorCodes } from '@aigw/core';
import { onError } from '../src/middleware/errors/index.ts';
import type { GatewayEnv } from '../src/context.ts';
import { bearer, fixtureApp, KEYS } from './fixtures.ts';

interface NativeBody {
  error: {
    code: string;
    message: string;
    details?: { issues?: { path: (string | number)[] }[]; limitBytes?: number };
  };
  requestId: string;
}
interface OpenAIBody {
  error: { message: string; type: string; param: string | null; code: string };
}

/** A minimal app with the real error handler that throws whichever code the path names. */
function throwingApp() {
  const app = new OpenAPIHono<GatewayEnv>();
  app.use(requestId());
  app.onError(onError);
  app.get('/native/:code', (c) => {
    throw new GatewayError(c.req.param('code') as keyof typeof ERROR_CODES);
  });
  app.get('/v1/:code', (c) => {
    throw new GatewayError(c.req.param('code') as keyof typeof ERROR_CODES);
  });
  return app;
}

describe('error envelopes', () => {
  it.each(errorCodes)('renders %s in the native shape with its registered status', async (code) => {
    const res = await throwingApp().request(`/native/${code}`, {}, env);
    expect(res.status).toBe(ERROR_CODES[code].status);
    const body = await res.json<NativeBody>();
    expect(body).toEqual({
      error: { code, message: ERROR_CODES[code].message },
      requestId: res.headers.get('x-request-id'),
    });
  });

  it.each(errorCodes)('renders %s in the OpenAI shape under /v1/', async (code) => {
    const res = await throwingApp().request(`/v1/${code}`, {}, env);
    expect(res.status).toBe(ERROR_CODES[code].status);
    expect(await res.json<OpenAIBody>()).toEqual({
      error: { message: ERROR_CODES[code].message, type: ERROR_CODES[code].openaiType, param: null, code },
    });
  });
});

describe('request errors through the gateway', () => {
  const post = (body: BodyInit, headers: Record<string, string> = {}) => ({
    method: 'POST',
    body,
    headers: bearer(KEYS.alpha, { 'content-type': 'application/json', ...headers }),
  });

  it('answers invalid JSON with 400 invalid_json', async () => {
    const { app } = await fixtureApp();
    const res = await app.request('/echo', post('{"text": '), env);
    expect(res.status).toBe(400);
    expect((await res.json<NativeBody>()).error.code).toBe('invalid_json');
  });

  it('answers a schema failure with invalid_request and each issue path', async () => {
    const { app } = await fixtureApp();
    const res = await app.request('/echo', post(JSON.stringify({ text: 7, count: 1.5 })), env);
    expect(res.status).toBe(400);
    const body = await res.json<NativeBody>();
    expect(body.error.code).toBe('invalid_request');
    expect(body.error.details?.issues?.map((issue) => issue.path)).toEqual([['text'], ['count']]);
    expect(body.error.message).toContain('text:');
  });

  it('answers a non-JSON content type with 415 unsupported_media_type', async () => {
    const { app } = await fixtureApp();
    const res = await app.request(
      '/echo',
      post('text=hi', { 'content-type': 'application/x-www-form-urlencoded' }),
      env,
    );
    expect(res.status).toBe(415);
    expect((await res.json<NativeBody>()).error.code).toBe('unsupported_media_type');
  });

  it('answers an unknown route with 404 not_found', async () => {
    const { app } = await fixtureApp();
    const res = await app.request('/nope', { headers: bearer(KEYS.alpha) }, env);
    expect(res.status).toBe(404);
    expect((await res.json<NativeBody>()).error.code).toBe('not_found');
  });

  it('answers a wrong method with 405 method_not_allowed and Allow', async () => {
    const { app } = await fixtureApp();
    const res = await app.request('/tenant', { method: 'DELETE', headers: bearer(KEYS.alpha) }, env);
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
    expect((await res.json<NativeBody>()).error.code).toBe('method_not_allowed');
  });

  it('answers an unexpected exception with 500 internal and no internals', async () => {
    const { app } = await fixtureApp();
    const res = await app.request('/explode', { headers: bearer(KEYS.alpha) }, env);
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(JSON.parse(text)).toMatchObject({ error: { code: 'internal' } });
    expect(text).not.toContain('hunter2');
  });

  it("puts the gateway's own x-request-id on every response, whatever id the client sent", async () => {
    const { app } = await fixtureApp();
    for (const res of [
      await app.request('/health', { headers: { 'x-request-id': 'client-abc_123' } }, env),
      await app.request('/health', {}, env),
      await app.request('/tenant', {}, env),
      await app.request('/explode', { headers: bearer(KEYS.alpha) }, env),
      await app.request('/health', { headers: { 'x-request-id': 'bad id with spaces' } }, env),
    ]) {
      expect(res.headers.get('x-request-id')).toMatch(/^req_[0-9a-f]{32}$/);
    }
  });
});

describe('body limit', () => {
  /** A body streamed in chunks, so the request has no Content-Length. */
  function chunkedBody(totalBytes: number, chunkBytes = 256): ReadableStream<Uint8Array> {
    const json = JSON.stringify({ text: 'x'.repeat(Math.max(1, totalBytes - 12)) });
    const bytes = new TextEncoder().encode(json);
    let offset = 0;
    return new ReadableStream({
      pull(controller) {
        if (offset >= bytes.length) {
          controller.close();
          return;
        }
        controller.enqueue(bytes.slice(offset, offset + chunkBytes));
        offset += chunkBytes;
      },
    });
  }

  it("refuses a chunked body without Content-Length once it passes the tenant's limit", async () => {
    const { app } = await fixtureApp();
    const req = new Request('http://gateway.test/echo', {
      method: 'POST',
      headers: bearer(KEYS.alpha, { 'content-type': 'application/json' }),
      body: chunkedBody(4096),
      duplex: 'half',
    } as RequestInit);
    expect(req.headers.get('content-length')).toBeNull();
    const res = await app.request(req, undefined, env);
    expect(res.status).toBe(413);
    const body = await res.json<NativeBody>();
    expect(body.error.code).toBe('payload_too_large');
    expect(body.error.details?.limitBytes).toBe(2048);
  });

  it('accepts a chunked body under the limit', async () => {
    const { app } = await fixtureApp();
    const req = new Request('http://gateway.test/echo', {
      method: 'POST',
      headers: bearer(KEYS.alpha, { 'content-type': 'application/json' }),
      body: chunkedBody(1500),
      duplex: 'half',
    } as RequestInit);
    const res = await app.request(req, undefined, env);
    expect(res.status).toBe(200);
  });

  it('refuses by Content-Length before reading, with the per-tenant limit', async () => {
    const { app } = await fixtureApp();
    const big = JSON.stringify({ text: 'y'.repeat(3000) });
    const alpha = await app.request('/echo', post(big), env);
    expect(alpha.status).toBe(413);
    // Beta keeps the default 1 MiB limit, so the same body passes.
    const beta = await app.request(
      '/echo',
      { ...post(big), headers: bearer(KEYS.beta, { 'content-type': 'application/json' }) },
      env,
    );
    expect(beta.status).toBe(200);
  });

  function post(body: string) {
    return { method: 'POST', body, headers: bearer(KEYS.alpha, { 'content-type': 'application/json' }) };
  }
});

describe('request log', () => {
  it('writes one structured line per request with tenant, key, route, status and latency', async () => {
    const { app, lines } = await fixtureApp();
    await app.request('/tenant', { headers: bearer(KEYS.alpha) }, env);
    await app.request('/tenant', {}, env);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({
      msg: 'request',
      tenantId: 'alpha',
      keyId: 'alpha-full',
      method: 'GET',
      route: '/tenant',
      status: 200,
    });
    expect(lines[0]?.latencyMs).toBeGreaterThanOrEqual(0);
    expect(lines[0]?.requestId).toMatch(/^req_/);
    expect(lines[1]).toMatchObject({
      tenantId: null,
      keyId: null,
      status: 401,
      errorCode: 'missing_api_key',
    });
  });
});
