import { createMiddleware } from 'hono/factory';
import { checkLimits, rateLimitHeaders, rateLimitedError } from '@aigw/limits';
import { optionalCaller, type GatewayEnv } from '../../context.ts';

/**
 * The tenant's rate limits per tenant, API key and client IP (`CF-Connecting-IP`), each in its
 * own Durable Object. Runs right after the tenant middleware, so a refused request costs the
 * upstream nothing and no body is read. Successful responses carry `RateLimit-*` headers.
 */
export const rateLimit = () =>
  createMiddleware<GatewayEnv>(async (c, next) => {
    const { tenant, apiKey } = optionalCaller(c);
    if (tenant === undefined) return next();
    const decision = await checkLimits(
      c.env.RATE_LIMITER,
      { tenantId: tenant.id, keyId: apiKey?.id, ip: c.req.header('cf-connecting-ip') },
      tenant.limits,
    );
    if (!decision.allowed) throw rateLimitedError(decision);
    if (decision.limiterError) {
      console.warn(
        JSON.stringify({
          level: 'warn',
          msg: 'rate limiter unavailable; admitted (onLimiterError: open)',
          requestId: c.get('requestId'),
        }),
      );
    }
    for (const [name, value] of Object.entries(rateLimitHeaders(decision))) c.header(name, value);
    await next();
  });
