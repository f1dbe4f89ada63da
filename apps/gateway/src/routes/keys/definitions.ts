import { createRoute, z } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { createKeySchema, keyViewSchema, rotateKeySchema, updateKeySchema } from '@aigw/control-plane';
import type { GatewayEnv } from '../../context.ts';
import { jsonBody } from '../../middleware/json-body/index.ts';
import { errorResponses } from '../openapi.ts';

/**
 * The six key routes, defined once and mounted twice: under `/keys` for a tenant's own keys (a
 * tenant key with the `keys` or `admin` scope) and under `/admin/tenants/{tenantId}/keys` for
 * the operator. The schemas come from `@aigw/control-plane`, so the API, its checks and
 * /openapi.json cannot drift apart.
 */

const keyView = keyViewSchema.openapi('RuntimeKey');
const issuedKey = keyViewSchema
  .extend({
    key: z
      .string()
      .describe('The plaintext key. Shown this once: only its SHA-256 is stored. Send it as a Bearer token.'),
  })
  .openapi('IssuedRuntimeKey');

const keyId = z
  .string()
  .min(1)
  .max(64)
  .openapi({ param: { name: 'id', in: 'path' }, example: 'rk-0f3a9c1b2d4e' });

const errorContent = errorResponses[400].content;
const keyErrors = {
  ...errorResponses,
  404: {
    description: 'key_not_found: no such runtime key in this tenant (another tenant’s ids included)',
    content: errorContent,
  },
  429: { description: 'rate_limited', content: errorContent },
  503: { description: 'control_plane_unavailable', content: errorContent },
} as const;

export interface KeyRouteOptions {
  tag: string;
  security: Record<string, string[]>[];
  middleware: MiddlewareHandler<GatewayEnv>[];
  /** Who the routes are for, in each summary. */
  whose: string;
}

export function defineKeyRoutes<B extends string, O extends z.ZodRawShape>(
  base: B,
  owner: O,
  options: KeyRouteOptions,
) {
  const common = { tags: [options.tag], security: options.security };
  const ownerParams = z.object(owner);
  const keyParams = z.object({ ...owner, id: keyId });
  const json = <S extends z.ZodType>(schema: S) => ({ content: { 'application/json': { schema } } });
  return {
    create: createRoute({
      ...common,
      method: 'post',
      path: base,
      summary: `Creates a runtime API key for ${options.whose}; the answer holds its plaintext, once.`,
      middleware: [...options.middleware, jsonBody()],
      request: {
        params: ownerParams,
        body: { required: true, ...json(createKeySchema.openapi('CreateRuntimeKey')) },
      },
      responses: { 201: { description: 'The new key, with its secret.', ...json(issuedKey) }, ...keyErrors },
    }),
    list: createRoute({
      ...common,
      method: 'get',
      path: base,
      summary: `Lists the runtime API keys of ${options.whose} (never a secret), revoked ones included.`,
      middleware: options.middleware,
      request: { params: ownerParams },
      responses: {
        200: { description: 'Oldest first.', ...json(z.object({ keys: z.array(keyView) })) },
        ...keyErrors,
      },
    }),
    get: createRoute({
      ...common,
      method: 'get',
      path: `${base}/{id}`,
      summary: 'One runtime API key (never its secret).',
      middleware: options.middleware,
      request: { params: keyParams },
      responses: { 200: { description: 'The key.', ...json(keyView) }, ...keyErrors },
    }),
    update: createRoute({
      ...common,
      method: 'patch',
      path: `${base}/{id}`,
      summary:
        "Changes a key's name, scopes, models, limits, budget, expiry or metadata (within the same ceilings as create).",
      middleware: [...options.middleware, jsonBody()],
      request: {
        params: keyParams,
        body: { required: true, ...json(updateKeySchema.openapi('UpdateRuntimeKey')) },
      },
      responses: {
        200: { description: 'The key as changed.', ...json(keyView) },
        409: { description: 'key_conflict: the key is revoked', content: errorContent },
        ...keyErrors,
      },
    }),
    revoke: createRoute({
      ...common,
      method: 'delete',
      path: `${base}/{id}`,
      summary:
        'Revokes a key: refused by the object at once and by every gateway isolate within the cache period (docs/keys.md). Revoking twice answers the same.',
      middleware: options.middleware,
      request: { params: keyParams },
      responses: { 200: { description: 'The revoked key.', ...json(keyView) }, ...keyErrors },
    }),
    rotate: createRoute({
      ...common,
      method: 'post',
      path: `${base}/{id}/rotate`,
      summary:
        'Issues a new secret for the key (same id, limits, budget and usage); the old one works for gracePeriodSeconds, then is refused.',
      middleware: [...options.middleware, jsonBody()],
      request: {
        params: keyParams,
        body: { required: true, ...json(rotateKeySchema.openapi('RotateRuntimeKey')) },
      },
      responses: {
        200: { description: 'The key, with its new secret.', ...json(issuedKey) },
        409: {
          description: "key_conflict: revoked or expired, or a previous rotation's grace period still runs",
          content: errorContent,
        },
        ...keyErrors,
      },
    }),
  };
}
