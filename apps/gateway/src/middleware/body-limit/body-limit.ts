import { bodyLimit } from 'hono/body-limit';
import { createMiddleware } from 'hono/factory';
import { GatewayError } from '@aigw/core';
import { optionalCaller, type GatewayEnv } from '../../context.ts';

/**
 * The tenant's body limit, on Hono's `bodyLimit`: it trusts Content-Length only when the runtime
 * enforces it (no Transfer-Encoding) and otherwise counts the bytes as it reads them, so a chunked
 * body without Content-Length cannot slip past. Mount after the tenant middleware.
 */
export const tenantBodyLimit = () =>
  createMiddleware<GatewayEnv>(async (c, next) => {
    const { tenant } = optionalCaller(c);
    if (tenant === undefined) return next();
    const maxSize = tenant.limits.maxBodyBytes;
    return bodyLimit({
      maxSize,
      onError: () => {
        throw new GatewayError(
          'payload_too_large',
          `The request body exceeds this tenant's limit of ${maxSize} bytes.`,
          {
            details: { limitBytes: maxSize },
          },
        );
      },
    })(c, next);
  });
