import { DurableObject } from 'cloudflare:workers';
import type { RateCheckInput, RateLimitResult } from '../src/index.ts';

// The package's test Worker: exports the Durable Objects the tests drive through `env`.
export { BudgetDO, RateLimiterDO } from '../src/index.ts';

/**
 * A limiter whose storage is down: a real object whose check always throws, so the limiter-error
 * policy is tested against a real failed RPC rather than a fake namespace.
 */
export class UnavailableLimiterDO extends DurableObject<Env> {
  check(input: RateCheckInput): RateLimitResult {
    throw new Error(`storage unavailable for ${input.tenantId}`);
  }
}

export default {
  fetch: () => new Response('aigw-limits test worker'),
} satisfies ExportedHandler<Env>;
