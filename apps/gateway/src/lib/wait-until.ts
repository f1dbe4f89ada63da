import type { Context } from 'hono';
import type { GatewayEnv } from '../context.ts';

/**
 * Keeps work alive after the response with `waitUntil` when the runtime gave an execution
 * context; `app.request()` in tests has none, and the promise then simply runs on.
 */
export function waitUntil(c: Context<GatewayEnv>, promise: Promise<unknown>): void {
  let ctx: { waitUntil(promise: Promise<unknown>): void } | undefined;
  try {
    ctx = c.executionCtx;
  } catch {
    ctx = undefined;
  }
  if (ctx) ctx.waitUntil(promise);
  else void promise;
}
