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

/**
 * Keeps the request alive until the returned function is called: a client that disconnects
 * while nothing of the request is in `waitUntil` cancels all its work, and work that must end
 * cleanly (a session lock, a budget hold) would then be left to expire.
 */
export function keepAlive(c: Context<GatewayEnv>): () => void {
  let release: () => void = () => undefined;
  waitUntil(
    c,
    new Promise<void>((resolve) => {
      release = resolve;
    }),
  );
  return release;
}
