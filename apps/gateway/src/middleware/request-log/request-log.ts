import { createMiddleware } from 'hono/factory';
import { routePath } from 'hono/route';
import type { RequestLogLine } from '@aigw/core';
import { optionalCaller, type GatewayEnv } from '../../context.ts';
import { waitUntil } from '../../lib/wait-until.ts';
import { usageEventFrom, writeUsageEvent, type UsageRecord } from '@aigw/observability';
import { recordUsage } from '../../lib/usage-batcher.ts';
import { guardrailCounts, guardrailLog } from '../../guardrails/index.ts';
import type { GuardrailDecision } from '@aigw/guardrails';
import { RequestObservation, captureBodies, recordRequest } from '../../logs/index.ts';

export interface RequestLogOptions {
  /**
   * Route patterns that are logged but are not usage: the gateway's reads of its own state (the
   * dashboard polls them), which would otherwise fill a tenant's usage with its own bookkeeping.
   */
  notUsage?: readonly string[];
  /**
   * Requests that are not request log entries (they are still traced and on the console line):
   * the log's own reads and the gateway's reads of its own state, by method and route pattern.
   */
  notLogged?: (method: string, route: string) => boolean;
}

/**
 * Writes one structured line per request after the response is decided (errors included: the
 * error handler has run by the time `next()` returns), and records the request in its tenant's
 * usage, request log and trace exporters, off the response path.
 */
export const requestLog = (options: RequestLogOptions = {}) => {
  const notUsage = new Set(options.notUsage);
  return createMiddleware<GatewayEnv>(async (c, next) => {
    const started = Date.now();
    const modelCalls: UsageRecord[] = [];
    c.set('modelCalls', modelCalls);
    const guardrails: GuardrailDecision[] = [];
    c.set('guardrails', guardrails);
    c.set('observation', new RequestObservation(c.req.raw.headers));
    await next();
    // Set up before the response goes out: a streamed body is copied as it passes.
    const bodies = captureBodies(c);
    const { tenant, apiKey, errorCode, usage } = optionalCaller(c);
    const clientRequestId = c.get('clientRequestId');
    const line: RequestLogLine = {
      level: c.res.status >= 500 ? 'error' : c.res.status >= 400 ? 'warn' : 'info',
      msg: 'request',
      requestId: c.get('requestId'),
      ...(clientRequestId !== undefined ? { clientRequestId } : {}),
      tenantId: tenant?.id ?? null,
      keyId: apiKey?.id ?? null,
      method: c.req.method,
      // -1: the last matched route, i.e. the handler's pattern rather than this middleware's '*'.
      route: routePath(c, -1),
      path: c.req.path,
      status: c.res.status,
      latencyMs: Date.now() - started,
      ...(errorCode !== undefined ? { errorCode } : {}),
    };
    const logSink = c.get('logSink');
    // x-cache: the search cache; x-gateway-cache: the chat response cache (skip: not consulted).
    const gatewayCache = c.res.headers.get('x-gateway-cache');
    const searchCache = c.res.headers.get('x-cache');
    const cache: 'HIT' | 'MISS' | null =
      searchCache === 'HIT' || searchCache === 'MISS'
        ? searchCache
        : gatewayCache === 'hit'
          ? 'HIT'
          : gatewayCache === 'miss' || gatewayCache === 'refresh'
            ? 'MISS'
            : null;
    // The log line, then the same request as a usage event: the tenant's store (series, dashboard)
    // everywhere, and Analytics Engine where the environment binds it.
    const sink = (final: RequestLogLine): void => {
      // Read when the line is written: a stream's output decisions are all taken before its usage
      // is known, since the engine settles the usage only after the last chunk passed the guard.
      const counts = guardrailCounts(guardrails);
      // Each is its own usage event already (recordModelCall); the line lists them for the request.
      logSink({
        ...final,
        ...(modelCalls.length > 0 ? { modelCalls } : {}),
        ...(counts !== undefined ? { guardrails: guardrailLog(guardrails) } : {}),
      });
      const notLogged = options.notLogged?.(final.method, final.route) ?? false;
      waitUntil(c, recordRequest(c, final, { cache, bodies, notLogged }));
      if (notUsage.has(final.route)) return;
      const event = usageEventFrom(final, {
        time: started,
        ...(cache ? { cacheHit: cache === 'HIT' } : {}),
        ...(counts !== undefined ? { guardrails: counts } : {}),
      });
      if (event === null) return;
      if (c.env.USAGE_EVENTS) writeUsageEvent(c.env.USAGE_EVENTS, event);
      recordUsage(c, event);
    };
    if (usage === undefined) {
      sink(line);
      return;
    }
    // A streamed answer's usage is known only when the stream ends, after the response has been
    // returned: the line waits for it (kept alive by waitUntil) so each request still logs once.
    const written = usage.then(
      (record) => {
        sink({
          ...line,
          level: record.status === 'complete' || record.status === 'cancelled' ? line.level : 'error',
          ...(record.errorCode !== undefined ? { errorCode: record.errorCode } : {}),
          latencyMs: Date.now() - started,
          usage: record,
        });
      },
      () => {
        sink(line);
      },
    );
    waitUntil(c, written);
  });
};
