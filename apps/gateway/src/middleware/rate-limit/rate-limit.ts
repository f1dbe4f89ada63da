import { createMiddleware } from 'hono/factory';
import { chargeTokens, checkLimits, checkTokenRate, rateLimitHeaders, rateLimitedError } from '@aigw/limits';
import type { UsageRecord } from '@aigw/observability';
import { optionalCaller, type GatewayEnv } from '../../context.ts';
import { waitUntil } from '../../lib/wait-until.ts';

/**
 * The tenant's rate limits per tenant, API key and client IP (`CF-Connecting-IP`), each in its
 * own Durable Object (asked on every request, or in leased mode through this isolate's leases:
 * docs/limits.md). Runs right after the tenant middleware, so a refused request costs the
 * upstream nothing and no body is read. Successful responses carry `RateLimit-*` headers.
 *
 * A runtime key's own limits ride along: its requests rate is already the tenant view's
 * `rates.key` (see `effectiveCaller`), and its tokens per minute are checked here (is the key's
 * token bucket in debt?) and charged once the request's model calls have ended.
 */
export const rateLimit = () =>
  createMiddleware<GatewayEnv>(async (c, next) => {
    const { tenant, apiKey, caller } = optionalCaller(c);
    if (tenant === undefined) return next();
    const tokenRate = caller?.tokenRate;
    const subject = apiKey === undefined ? undefined : { tenantId: tenant.id, keyId: apiKey.id };
    const [decision, tokens] = await Promise.all([
      checkLimits(
        c.env.RATE_LIMITER,
        { tenantId: tenant.id, keyId: apiKey?.id, ip: c.req.header('cf-connecting-ip') },
        tenant.limits,
        // Used only by tenants in leased mode: admitted from this isolate's leases.
        {
          leases: {
            rates: c.get('services').leases.rates,
            background: (work) => {
              waitUntil(c, work);
            },
          },
        },
      ),
      tokenRate && subject ? checkTokenRate(c.env.RATE_LIMITER, subject, tokenRate) : undefined,
    ]);
    if (!decision.allowed) throw rateLimitedError(decision);
    if (tokens !== undefined && !tokens.allowed) throw rateLimitedError(tokens);
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
    if (!tokenRate || !subject) return;
    // The answer's usage is known when its stream ends (after this returns); tools' model calls
    // are collected as they end. Both count against the key's tokens per minute.
    const { usage } = optionalCaller(c);
    const calls = c.get('modelCalls');
    const charged = (usage ?? Promise.resolve(undefined))
      .catch(() => undefined)
      .then((record) =>
        chargeTokens(
          c.env.RATE_LIMITER,
          subject,
          tokenRate,
          [record, ...calls].reduce((sum, r) => sum + used(r), 0),
        ),
      )
      .catch((error: unknown) => {
        console.warn(
          JSON.stringify({
            level: 'warn',
            msg: "could not charge a key's tokens per minute",
            requestId: c.get('requestId'),
            error: error instanceof Error ? error.message : String(error),
          }),
        );
      });
    waitUntil(c, charged);
  });

function used(record: UsageRecord | undefined): number {
  return record === undefined ? 0 : record.inputTokens + record.outputTokens;
}
