import { createMiddleware } from 'hono/factory';
import { GatewayError, constantTimeEqual, sha256Hex } from '@aigw/core';
import type { GatewayEnv } from '../../context.ts';

/** The Worker secret holding the operator key (not a tenant key; `wrangler secret put`). */
export const OPERATOR_SECRET = 'OPERATOR_API_KEY';
/** Paths under this prefix are the operator's: the tenant middleware skips them, this one guards them. */
export const OPERATOR_PREFIX = '/admin/';
/**
 * The operator key of local development, published in the README and set as a plain var at the
 * top level of wrangler.jsonc (development only; staging and production set the secret). Refused
 * anywhere else, so a deploy that forgot the secret cannot be driven with a published key.
 */
export const DEV_OPERATOR_KEY = 'gwop_dev_only_operator_key';

/**
 * The operator key guards cross-tenant views and the control plane of every tenant. It is a
 * Worker secret, compared by hash in constant time, and never a tenant key: a tenant's `admin`
 * scope reaches only its own tenant.
 */
export const operatorOnly = () =>
  createMiddleware<GatewayEnv>(async (c, next) => {
    const expected = (c.env as unknown as Record<string, unknown>)[OPERATOR_SECRET];
    if (typeof expected !== 'string' || expected.length < 16) {
      throw new GatewayError(
        'misconfigured',
        `Set the ${OPERATOR_SECRET} secret (16+ characters) to use operator routes.`,
      );
    }
    if (expected === DEV_OPERATOR_KEY && c.env.GATEWAY_ENV !== 'development') {
      throw new GatewayError(
        'misconfigured',
        `${OPERATOR_SECRET} holds the published development key; set a secret of your own.`,
      );
    }
    const sent = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
    if (sent === undefined)
      throw new GatewayError('missing_api_key', 'Send the operator key as "Authorization: Bearer <key>".');
    if (!constantTimeEqual(await sha256Hex(sent), await sha256Hex(expected)))
      throw new GatewayError('invalid_api_key', 'Not the operator key.');
    await next();
  });
