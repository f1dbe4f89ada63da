import { createMiddleware } from 'hono/factory';
import { routePath } from 'hono/route';
import { optionalCaller, type GatewayEnv } from '../../context.ts';

/**
 * Writes one structured line per request after the response is decided (errors included: the
 * error handler has run by the time `next()` returns).
 */
export const requestLog = () =>
  createMiddleware<GatewayEnv>(async (c, next) => {
    const started = Date.now();
    await next();
    const { tenant, apiKey, errorCode } = optionalCaller(c);
    c.get('logSink')({
      level: c.res.status >= 500 ? 'error' : c.res.status >= 400 ? 'warn' : 'info',
      msg: 'request',
      requestId: c.get('requestId'),
      tenantId: tenant?.id ?? null,
      keyId: apiKey?.id ?? null,
      method: c.req.method,
      // -1: the last matched route, i.e. the handler's pattern rather than this middleware's '*'.
      route: routePath(c, -1),
      path: c.req.path,
      status: c.res.status,
      latencyMs: Date.now() - started,
      ...(errorCode !== undefined ? { errorCode } : {}),
    });
  });
