import { createMiddleware } from 'hono/factory';
import { GatewayError } from '@aigw/core';
import {
  authenticate,
  extractCredential,
  requireAnyScope,
  requireScope,
  type Scope,
  type TenantConfig,
} from '@aigw/tenancy';
import type { GatewayEnv } from '../../context.ts';
import { controlPlaneAuthority } from '../../lib/control-plane.ts';

export interface TenantMiddlewareOptions {
  /** Paths served without an API key (exact matches). */
  publicPaths: readonly string[];
  /** Path prefixes with their own authentication (the operator's `/admin/`). */
  skipPrefixes?: readonly string[];
  now?: () => Date;
}

/**
 * Resolves the tenant from the API key on every non-public request and sets `tenant`, `apiKey`
 * and `caller`. Config keys are map reads; runtime keys and the tenant's run-time switch come from
 * the control plane through this isolate's cache. Nothing downstream reads headers to learn the tenant.
 */
export const tenantMiddleware = (options: TenantMiddlewareOptions) => {
  const publicPaths = new Set(options.publicPaths);
  const skipPrefixes = options.skipPrefixes ?? [];
  const now = options.now ?? (() => new Date());
  return createMiddleware<GatewayEnv>(async (c, next) => {
    if (publicPaths.has(c.req.path) || c.req.method === 'OPTIONS') return next();
    if (skipPrefixes.some((prefix) => c.req.path.startsWith(prefix))) return next();

    const registry = c.get('registry');
    // A registry compiled for another environment would serve the wrong tenants (e.g. demo keys in
    // production); refuse everything rather than guess.
    if (registry.environment !== c.env.GATEWAY_ENV) {
      throw new GatewayError(
        'misconfigured',
        `The tenant registry was built for "${registry.environment}" but this Worker runs as "${c.env.GATEWAY_ENV}".`,
      );
    }

    const caller = await authenticate(
      registry,
      {
        credential: extractCredential(c.req.raw.headers),
        // Workers build the URL from the Host header; a Request built in code may lack the header.
        host: c.req.header('host') ?? new URL(c.req.url).host,
        claimedTenantId: c.req.header('x-tenant-id'),
        clientIp: c.req.header('cf-connecting-ip'),
        now: now(),
      },
      controlPlaneAuthority(c),
    );
    c.set('tenant', caller.tenant);
    c.set('apiKey', caller.key);
    c.set('caller', caller);
    await next();
  });
};

/** Refuses keys without `scope` with 403 `insufficient_scope`. Mount after `tenantMiddleware`. */
export const scope = (required: Scope) =>
  createMiddleware<GatewayEnv>(async (c, next) => {
    requireScope(c.get('apiKey'), required);
    await next();
  });

/** Refuses keys holding none of `scopes` (key management: `keys` or `admin`). */
export const anyScope = (...scopes: Scope[]) =>
  createMiddleware<GatewayEnv>(async (c, next) => {
    requireAnyScope(c.get('apiKey'), scopes);
    await next();
  });

/** Refuses tenants without `feature` switched on with 403 `feature_disabled`. */
export const feature = (name: keyof TenantConfig['features']) =>
  createMiddleware<GatewayEnv>(async (c, next) => {
    if (!c.get('tenant').features[name]) {
      throw new GatewayError('feature_disabled', `The "${name}" feature is not enabled for this tenant.`);
    }
    await next();
  });
