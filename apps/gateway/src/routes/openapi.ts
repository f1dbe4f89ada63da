import { z } from '@hono/zod-openapi';
import { errorCodes } from '@aigw/core';

/** The native error envelope, as documented in docs/errors.md. */
export const errorEnvelope = z
  .object({
    error: z.object({
      code: z.enum(errorCodes as [string, ...string[]]),
      message: z.string(),
      details: z.record(z.string(), z.unknown()).optional(),
    }),
    requestId: z.string(),
  })
  .openapi('Error');

const errorContent = { 'application/json': { schema: errorEnvelope } };

/** Error responses every authenticated native route can return. */
export const errorResponses = {
  400: { description: 'invalid_json, invalid_request', content: errorContent },
  401: { description: 'missing_api_key, invalid_api_key', content: errorContent },
  403: { description: 'tenant_suspended, tenant_mismatch, insufficient_scope', content: errorContent },
  413: { description: 'payload_too_large', content: errorContent },
  500: { description: 'internal', content: errorContent },
} as const;
