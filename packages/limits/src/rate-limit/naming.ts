import { GatewayError } from '@aigw/core';
import type { RateDimension } from '@aigw/limits/settings';

/**
 * What a limiter object counts: the tenant config's request dimensions, a runtime key's tokens
 * per minute (`tokens`), and failed look-ups of runtime keys per client IP (`auth`).
 */
export type LimiterDimension = RateDimension | 'tokens' | 'auth';

/**
 * The object of one limited key. Tenant ids and dimensions contain no ":", so the value (an IPv6
 * address, say) may; two keys never share an object and no object is shared by all traffic.
 */
export function rateLimiterName(tenantId: string, dimension: LimiterDimension, value: string): string {
  if (tenantId.length === 0 || tenantId.includes(':') || value.length === 0) {
    throw new GatewayError('internal', `Invalid rate limiter key: "${tenantId}", "${value}"`);
  }
  return `${tenantId}:${dimension}:${value}`;
}

/**
 * The object of a route's limit node: `<tenant>:route:<route>/<node>`. Route and node names hold
 * no ":" or "/", so no other limited key can share it.
 */
export function routeLimiterName(tenantId: string, route: string, node: string): string {
  if (tenantId.length === 0 || tenantId.includes(':') || /[:/]/.test(route + node)) {
    throw new GatewayError('internal', `Invalid route limiter key: "${tenantId}", "${route}", "${node}"`);
  }
  return `${tenantId}:route:${route}/${node}`;
}
