import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { OpenAPIHono } from '@hono/zod-openapi';
import { requestId } from 'hono/request-id';
import { ERROR_CODES, GatewayError, errorCodes, isErrorCode } from '@aigw/core';
import { onError } from '../../src/middleware/errors/index.ts';
import type { GatewayEnv } from '../../src/context.ts';

/** A minimal app with the real error handler, throwing whichever code the path names. */
function throwingApp() {
  const app = new OpenAPIHono<GatewayEnv>();
  app.use(requestId());
  app.onError(onError);
  app.get('/v1/messages/:code', (c) => {
    const code = c.req.param('code');
    throw isErrorCode(code) ? new GatewayError(code) : new Error(code);
  });
  return app;
}

/** Anthropic's types by status; the gateway's code rides along as details.error_code. */
const EXPECTED_TYPE: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  504: 'timeout_error',
};

describe('Anthropic error shape under /v1/messages', () => {
  it.each(errorCodes)('renders %s with its registered status', async (code) => {
    const res = await throwingApp().request(`/v1/messages/${code}`, {}, env);
    const { status } = ERROR_CODES[code];
    expect(res.status).toBe(status);
    const requestId = res.headers.get('x-request-id');
    expect(res.headers.get('request-id')).toBe(requestId);
    const expectedType = EXPECTED_TYPE[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
    expect(await res.json()).toEqual({
      type: 'error',
      error: { type: expectedType, message: ERROR_CODES[code].message, details: { error_code: code } },
      request_id: requestId,
    });
  });

  it('renders an unexpected exception as api_error without its message', async () => {
    const res = await throwingApp().request('/v1/messages/hunter2', {}, env);
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(JSON.parse(text)).toMatchObject({ type: 'error', error: { type: 'api_error' } });
    expect(text).not.toContain('hunter2');
  });
});
