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

/** Further errors of routes that call a model (and hold a session or budget). */
export const modelErrorResponses = {
  ...errorResponses,
  404: { description: 'not_found (e.g. an unknown tool named in the request)', content: errorContent },
  409: { description: 'session_busy', content: errorContent },
  429: { description: 'rate_limited, budget_exceeded', content: errorContent },
  502: { description: 'upstream_error', content: errorContent },
  503: { description: 'provider_unavailable', content: errorContent },
  504: { description: 'upstream_timeout', content: errorContent },
} as const;
